package fs2

import (
	"github.com/b7f961b7/libcontainer/cgroups"
	"github.com/b7f961b7/libcontainer/configs"
)

// setCpuset writes cpuset.cpus and cpuset.mems when r sets them.
func setCpuset(dir string, r *configs.Resources) error {
	if r.CpusetCpus != "" {
		if err := cgroups.WriteFile(dir, "cpuset.cpus", r.CpusetCpus); err != nil {
			return err
		}
	}
	if r.CpusetMems != "" {
		if err := cgroups.WriteFile(dir, "cpuset.mems", r.CpusetMems); err != nil {
			return err
		}
	}
	return nil
}
