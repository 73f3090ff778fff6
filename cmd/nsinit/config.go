package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/b7f961b7/libcontainer/configs"
)

// configFile is the name of the container configuration in the container directory.
const configFile = "container.json"

// loadConfig reads dir/container.json. A relative Rootfs is taken relative to
// dir and, like an absolute one, resolved to a symlink-free absolute path.
func loadConfig(dir string) (*configs.Config, error) {
	path := filepath.Join(dir, configFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w (run \"nsinit spec\" to write a default one)", err)
	}
	cfg := &configs.Config{}
	if err := json.Unmarshal(data, cfg); err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	if cfg.Rootfs == "" {
		return nil, fmt.Errorf("%s: field rootfs is empty", path)
	}
	rootfs := cfg.Rootfs
	if !filepath.IsAbs(rootfs) {
		rootfs = filepath.Join(dir, rootfs)
	}
	resolved, err := filepath.EvalSymlinks(rootfs)
	if err != nil {
		return nil, fmt.Errorf("%s: rootfs %q: %w", path, cfg.Rootfs, err)
	}
	cfg.Rootfs = resolved
	return cfg, nil
}

// writeConfig writes cfg to dir/container.json, refusing to replace an
// existing file.
func writeConfig(dir string, cfg *configs.Config) error {
	data, err := json.MarshalIndent(cfg, "", "\t")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	path := filepath.Join(dir, configFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
