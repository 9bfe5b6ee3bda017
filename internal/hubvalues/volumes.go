package hubvalues

import (
	"reflect"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// Volumes of users' servers beyond a per-user claim: z2jh's
// singleuser.storage.extraVolumes and extraVolumeMounts. Both lists are
// written here, from two attributes: an NFS home directory (storage.type
// "nfs") comes first, then user_servers.volumes in their order, so that
// reading the lists back gives each attribute its own entries.

// Volume is a folder every user's server mounts, e.g. shared course data.
type Volume struct {
	Name      string     `json:"name"`
	MountPath string     `json:"mount_path"`
	SubPath   string     `json:"sub_path,omitempty"`
	ReadOnly  bool       `json:"read_only"`
	NFS       *NFSVolume `json:"nfs,omitempty"`
	ClaimName string     `json:"claim_name,omitempty"`
}

// NFSVolume is an NFS export.
type NFSVolume struct {
	Server string `json:"server"`
	Path   string `json:"path"`
}

func volumeValue(v Volume) map[string]any {
	out := map[string]any{"name": v.Name}
	switch {
	case v.NFS != nil:
		out["nfs"] = map[string]any{"server": v.NFS.Server, "path": v.NFS.Path}
	case v.ClaimName != "":
		out["persistentVolumeClaim"] = map[string]any{"claimName": v.ClaimName}
	}
	return out
}

func renderVolumes(h *Hub, b *builder) {
	var vols, mounts []any
	var volAttrs, mountAttrs []AttrPath
	if s := h.Storage; s != nil && s.Type == StorageNFS {
		vols = append(vols, map[string]any{"name": nfsVolumeName, "nfs": map[string]any{"server": s.NFSServer, "path": s.NFSPath}})
		mounts = append(mounts, map[string]any{
			"name": nfsVolumeName, "mountPath": orDefault(s.MountPath, DefaultMountPath), "subPath": orDefault(s.SubPath, DefaultSubPath),
		})
		volAttrs = append(volAttrs, AttrPath{"storage", "nfs_server"})
		mountAttrs = append(mountAttrs, AttrPath{"storage", "sub_path"})
	}
	if u := h.UserServers; u != nil {
		for i, v := range u.Volumes {
			vols = append(vols, volumeValue(v))
			mounts = append(mounts, mountValue(VolumeMount{MountPath: v.MountPath, SubPath: v.SubPath, ReadOnly: v.ReadOnly}, v.Name))
			volAttrs = append(volAttrs, AttrPath{"user_servers", "volumes", i})
			mountAttrs = append(mountAttrs, AttrPath{"user_servers", "volumes", i})
		}
	}
	if len(vols) == 0 {
		return
	}
	b.set(volAttrs[0], vols, "singleuser", "storage", "extraVolumes")
	b.set(mountAttrs[0], mounts, "singleuser", "storage", "extraVolumeMounts")
	for i := range vols {
		b.source(volAttrs[i], "singleuser", "storage", "extraVolumes", i)
		b.source(mountAttrs[i], "singleuser", "storage", "extraVolumeMounts", i)
	}
}

// parseVolumes reads the two lists back when every entry pairs a volume
// with its mount in the shapes renderVolumes writes; otherwise both lists
// stay in extra_values whole.
func parseVolumes(v Values, h *Hub) {
	rawVols, _ := lookup(v, "singleuser", "storage", "extraVolumes")
	rawMounts, _ := lookup(v, "singleuser", "storage", "extraVolumeMounts")
	vols, ok1 := rawVols.([]any)
	mounts, ok2 := rawMounts.([]any)
	if !ok1 || !ok2 || len(vols) != len(mounts) || len(vols) == 0 {
		return
	}
	var home *Storage
	if vol, mnt := asMap(vols[0]), asMap(mounts[0]); vol["name"] == nfsVolumeName && mnt["name"] == nfsVolumeName &&
		h.Storage != nil && h.Storage.Type == StorageNone && h.Storage.MountPath == "" {
		nfs := asMap(vol["nfs"])
		home = &Storage{Type: StorageNFS}
		home.NFSServer, _ = nfs["server"].(string)
		home.NFSPath, _ = nfs["path"].(string)
		home.SubPath, _ = mnt["subPath"].(string)
		home.MountPath, _ = mnt["mountPath"].(string)
		if home.SubPath == DefaultSubPath {
			home.SubPath = ""
		}
		if home.MountPath == DefaultMountPath {
			home.MountPath = ""
		}
		vols, mounts = vols[1:], mounts[1:]
	}
	var extra []Volume
	for i := range vols {
		e := asMap(vols[i])
		m, ok := parseMount(mounts[i])
		if !ok || e["name"] != m.Name {
			return
		}
		vol := Volume{Name: m.Name, MountPath: m.MountPath, SubPath: m.SubPath, ReadOnly: m.ReadOnly}
		if nfs, ok := e["nfs"].(map[string]any); ok {
			vol.NFS = &NFSVolume{}
			vol.NFS.Server, _ = nfs["server"].(string)
			vol.NFS.Path, _ = nfs["path"].(string)
		}
		if claim, ok := e["persistentVolumeClaim"].(map[string]any); ok {
			vol.ClaimName, _ = claim["claimName"].(string)
		}
		if !reflect.DeepEqual(volumeValue(vol), e) {
			return
		}
		extra = append(extra, vol)
	}
	if home != nil {
		h.Storage = home
	}
	if extra != nil {
		withUserServers(h).Volumes = extra
	}
}

func checkVolumeFields(h Hub, ps *problems) {
	if h.UserServers == nil {
		return
	}
	for i, v := range h.UserServers.Volumes {
		at := func(steps ...any) AttrPath { return append(AttrPath{"user_servers", "volumes", i}, steps...) }
		ps.field(at("name"), v.Name, validate.DNSLabel)
		ps.field(at("mount_path"), v.MountPath, validate.AbsolutePath)
		ps.field(at("sub_path"), v.SubPath, validate.SubPath)
		ps.field(at("claim_name"), v.ClaimName, validate.ObjectName)
		if v.NFS != nil {
			ps.field(at("nfs", "server"), v.NFS.Server, validate.HostOrIP)
			ps.field(at("nfs", "path"), v.NFS.Path, validate.AbsolutePath)
		}
	}
}

func checkVolumes(h Hub, ps *problems) {
	if h.UserServers == nil {
		return
	}
	home := homeVolumeName(h.Storage)
	homeMount := DefaultMountPath
	if h.Storage != nil && h.Storage.MountPath != "" {
		homeMount = h.Storage.MountPath
	}
	names, paths := map[string]int{}, map[string]int{}
	for i, v := range h.UserServers.Volumes {
		at := func(name string) AttrPath { return AttrPath{"user_servers", "volumes", i, name} }
		if (v.NFS == nil) == (v.ClaimName == "") {
			ps.add(AttrPath{"user_servers", "volumes", i}, "One source per volume",
				"A volume comes from an NFS export (`nfs = { server = ..., path = ... }`) or an existing claim (`claim_name`): set exactly one.")
		}
		switch j, dup := names[v.Name]; {
		case v.Name == HomeVolume || (home != "" && v.Name == home) || v.Name == nfsVolumeName:
			ps.add(at("name"), "Reserved volume name", "%q names the home directory's volume: call this one something else, e.g. \"shared-data\".", v.Name)
		case dup:
			ps.add(at("name"), "Duplicate volume", "Volumes %d and %d are both called %q: give each its own name.", j, i, v.Name)
		}
		names[v.Name] = i
		if j, dup := paths[v.MountPath]; dup {
			ps.add(at("mount_path"), "Two volumes at one path", "Volumes %d and %d are both mounted at %s.", j, i, v.MountPath)
		} else if home != "" && v.MountPath == homeMount {
			ps.add(at("mount_path"), "Volume over the home directory",
				"%s is where home directories are mounted: mount this volume elsewhere, e.g. below it (%s/shared).", v.MountPath, homeMount)
		}
		paths[v.MountPath] = i
	}
}
