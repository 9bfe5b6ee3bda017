package hubvalues

import "github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"

// Users' home directories: singleuser.storage.

// Storage types.
const (
	StorageDynamic = "dynamic" // a PVC per user
	StorageShared  = "shared"  // one existing PVC, a sub-directory per user
	StorageNFS     = "nfs"     // an NFS export, a sub-directory per user
	StorageNone    = "none"
)

// Storage is where users' home directories live.
type Storage struct {
	Type         string `json:"type"`
	Capacity     string `json:"capacity,omitempty"`      // dynamic
	StorageClass string `json:"storage_class,omitempty"` // dynamic
	ClaimName    string `json:"claim_name,omitempty"`    // shared
	NFSServer    string `json:"nfs_server,omitempty"`    // nfs
	NFSPath      string `json:"nfs_path,omitempty"`      // nfs
	SubPath      string `json:"sub_path,omitempty"`      // shared, nfs
	MountPath    string `json:"mount_path,omitempty"`    // default /home/jovyan
}

func renderStorage(h *Hub, b *builder) {
	s := h.Storage
	if s == nil {
		return
	}
	a := func(name string) AttrPath { return AttrPath{"storage", name} }
	mount := s.MountPath
	switch s.Type {
	case StorageDynamic:
		b.set(a("type"), "dynamic", "singleuser", "storage", "type")
		if s.Capacity != "" {
			b.set(a("capacity"), s.Capacity, "singleuser", "storage", "capacity")
		}
		if s.StorageClass != "" {
			b.set(a("storage_class"), s.StorageClass, "singleuser", "storage", "dynamic", "storageClass")
		}
	case StorageShared:
		b.set(a("type"), "static", "singleuser", "storage", "type")
		b.set(a("claim_name"), s.ClaimName, "singleuser", "storage", "static", "pvcName")
		b.set(a("sub_path"), orDefault(s.SubPath, DefaultSubPath), "singleuser", "storage", "static", "subPath")
	case StorageNFS:
		// The NFS volume and its mount are in the volume lists (volumes.go).
		b.set(a("type"), "none", "singleuser", "storage", "type")
		mount = "" // carried by the volume mount
	case StorageNone:
		b.set(a("type"), "none", "singleuser", "storage", "type")
	}
	if mount != "" {
		b.set(a("mount_path"), mount, "singleuser", "storage", "homeMountPath")
	}
}

func parseStorage(v Values, h *Hub) {
	st, ok := lookupString(v, "singleuser", "storage", "type")
	if !ok {
		return
	}
	s := &Storage{}
	s.MountPath, _ = lookupString(v, "singleuser", "storage", "homeMountPath")
	switch st {
	case "dynamic":
		s.Type = StorageDynamic
		s.Capacity, _ = lookupString(v, "singleuser", "storage", "capacity")
		s.StorageClass, _ = lookupString(v, "singleuser", "storage", "dynamic", "storageClass")
	case "static":
		s.Type = StorageShared
		s.ClaimName, _ = lookupString(v, "singleuser", "storage", "static", "pvcName")
		s.SubPath, _ = lookupString(v, "singleuser", "storage", "static", "subPath")
		if s.SubPath == DefaultSubPath {
			s.SubPath = ""
		}
	case "none":
		s.Type = StorageNone // or NFS, which parseVolumes recognises in the volume lists
	default:
		return
	}
	h.Storage = s
}

func checkStorageFields(h Hub, ps *problems) {
	if s := h.Storage; s != nil {
		at := func(name string) AttrPath { return AttrPath{"storage", name} }
		ps.field(at("capacity"), s.Capacity, validate.Storage)
		ps.field(at("storage_class"), s.StorageClass, validate.ObjectName)
		ps.field(at("claim_name"), s.ClaimName, validate.ObjectName)
		ps.field(at("nfs_server"), s.NFSServer, validate.HostOrIP)
		ps.field(at("nfs_path"), s.NFSPath, validate.AbsolutePath)
		ps.field(at("sub_path"), s.SubPath, validate.SubPath)
		ps.field(at("mount_path"), s.MountPath, validate.AbsolutePath)
	}
}

func checkStorage(h Hub, ps *problems) {
	if s := h.Storage; s != nil {
		at := func(name string) AttrPath { return AttrPath{"storage", name} }
		used := map[string]bool{
			"capacity": s.Capacity != "", "storage_class": s.StorageClass != "", "claim_name": s.ClaimName != "",
			"nfs_server": s.NFSServer != "", "nfs_path": s.NFSPath != "", "sub_path": s.SubPath != "",
		}
		allowed := map[string][]string{
			StorageDynamic: {"capacity", "storage_class"},
			StorageShared:  {"claim_name", "sub_path"},
			StorageNFS:     {"nfs_server", "nfs_path", "sub_path"},
			StorageNone:    {},
		}
		required := map[string][]string{StorageShared: {"claim_name"}, StorageNFS: {"nfs_server", "nfs_path"}}
		ok := map[string]bool{}
		for _, a := range allowed[s.Type] {
			ok[a] = true
		}
		for _, a := range []string{"capacity", "storage_class", "claim_name", "nfs_server", "nfs_path", "sub_path"} {
			if used[a] && !ok[a] {
				ps.add(at(a), "Setting not used", "`%s` does not apply to storage type %q.", a, s.Type)
			}
		}
		for _, a := range required[s.Type] {
			if !used[a] {
				ps.add(at(a), "Missing setting", "storage type %q needs `%s`.", s.Type, a)
			}
		}
	}
}
