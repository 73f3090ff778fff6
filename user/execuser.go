package user

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// GetExecUserPath is GetExecUser reading the passwd and group files at the
// given paths. A file that cannot be opened is treated as absent (a nil
// reader), so numeric specs still resolve.
func GetExecUserPath(userSpec string, defaults *ExecUser, passwdPath, groupPath string) (*ExecUser, error) {
	var passwd, group io.Reader
	if f, err := os.Open(passwdPath); err == nil {
		defer f.Close()
		passwd = f
	}
	if f, err := os.Open(groupPath); err == nil {
		defer f.Close()
		group = f
	}
	return GetExecUser(userSpec, defaults, passwd, group)
}

// GetExecUser resolves userSpec against passwd- and group-formatted data
// and returns the credentials to run with, starting from defaults (all
// zero when nil). userSpec has one of the forms "", "user", "uid",
// "user:group", "uid:gid", "user:gid" or "uid:group":
//
//   - A numeric user or group is always an id, never a name
//     (CVE-2016-3697). A numeric uid found in passwd also takes the gid and
//     home of that entry; one not found is used as is. Numeric ids must be
//     in 0..2147483647 (ErrRange).
//   - A user name must exist in passwd (else an error wrapping
//     ErrNoPasswdEntries); a group name must exist in group (else
//     ErrNoGroupEntries).
//   - An empty user keeps defaults.Uid, taking gid and home from its
//     passwd entry if there is one.
//   - Supplementary groups come from the group memberships of the matched
//     passwd name, and only when no group is given explicitly; otherwise
//     defaults.Sgids are kept. Sgids is never nil.
//
// passwd or group may be nil when the file does not exist.
func GetExecUser(userSpec string, defaults *ExecUser, passwd, group io.Reader) (*ExecUser, error) {
	if defaults == nil {
		defaults = &ExecUser{}
	}
	res := &ExecUser{
		Uid:   defaults.Uid,
		Gid:   defaults.Gid,
		Sgids: slices.Clone(defaults.Sgids),
		Home:  defaults.Home,
	}
	if res.Sgids == nil {
		res.Sgids = []int{}
	}

	userArg, groupArg, _ := strings.Cut(userSpec, ":")
	if strings.Contains(groupArg, ":") {
		return nil, fmt.Errorf("invalid user spec %q: more than one ':'", userSpec)
	}
	uid, uidNumeric, err := parseID(userArg)
	if err != nil {
		return nil, fmt.Errorf("invalid user %q: %w", userArg, err)
	}
	gid, gidNumeric, err := parseID(groupArg)
	if err != nil {
		return nil, fmt.Errorf("invalid group %q: %w", groupArg, err)
	}

	users, err := ParsePasswdFilter(passwd, func(u User) bool {
		switch {
		case userArg == "":
			return u.Uid == res.Uid
		case uidNumeric:
			return u.Uid == uid
		default:
			return u.Name == userArg
		}
	})
	if err != nil && passwd != nil {
		return nil, fmt.Errorf("unable to find user %s: %w", orID(userArg, res.Uid), err)
	}

	matchedName := ""
	switch {
	case len(users) > 0:
		// The first matching entry wins.
		u := users[0]
		if err := checkRange(fmt.Sprintf("passwd entry %q", u.Name), u.Uid); err != nil {
			return nil, err
		}
		if err := checkRange(fmt.Sprintf("passwd entry %q (gid)", u.Name), u.Gid); err != nil {
			return nil, err
		}
		matchedName = u.Name
		res.Uid, res.Gid, res.Home = u.Uid, u.Gid, u.Home
	case userArg == "":
		// Keep the defaults.
	case uidNumeric:
		res.Uid = uid
	default:
		return nil, fmt.Errorf("unable to find user %s: %w", userArg, ErrNoPasswdEntries)
	}

	switch {
	case gidNumeric:
		res.Gid = gid
	case groupArg != "":
		groups, err := ParseGroupFilter(group, func(g Group) bool { return g.Name == groupArg })
		if err != nil && group != nil {
			return nil, fmt.Errorf("unable to find group %s: %w", groupArg, err)
		}
		if len(groups) == 0 {
			return nil, fmt.Errorf("unable to find group %s: %w", groupArg, ErrNoGroupEntries)
		}
		if err := checkRange(fmt.Sprintf("group entry %q", groupArg), groups[0].Gid); err != nil {
			return nil, err
		}
		res.Gid = groups[0].Gid
	case matchedName != "":
		groups, err := ParseGroupFilter(group, func(g Group) bool {
			return slices.Contains(g.List, matchedName)
		})
		if err != nil && group != nil {
			return nil, fmt.Errorf("unable to find groups for user %s: %w", matchedName, err)
		}
		if len(groups) > 0 {
			res.Sgids = make([]int, 0, len(groups))
			for _, g := range groups {
				if err := checkRange(fmt.Sprintf("group entry %q", g.Name), g.Gid); err != nil {
					return nil, err
				}
				res.Sgids = append(res.Sgids, g.Gid)
			}
		}
	}
	return res, nil
}

// orID returns name, or the decimal id when name is empty.
func orID(name string, id int) string {
	if name == "" {
		return strconv.Itoa(id)
	}
	return name
}
