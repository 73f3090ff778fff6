package validate

import "github.com/b7f961b7/libcontainer/configs"

// utsCheck rejects a hostname or domainname without a private UTS
// namespace.
func utsCheck(config *configs.Config) error {
	if config.Namespaces.Contains(configs.NEWUTS) {
		return nil
	}
	if config.Hostname != "" {
		return invalid("hostname", config.Hostname, "unable to set hostname without a private UTS namespace")
	}
	if config.Domainname != "" {
		return invalid("domainname", config.Domainname, "unable to set domainname without a private UTS namespace")
	}
	return nil
}
