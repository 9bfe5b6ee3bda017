package hubvalues

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestUserServerChecks(t *testing.T) {
	servers := func(u UserServers) Hub { return Hub{UserServers: &u} }
	nfsHome := &Storage{Type: StorageNFS, NFSServer: "10.0.0.2", NFSPath: "/homes"}
	data := Volume{Name: "data", MountPath: "/home/jovyan/data", ReadOnly: true, NFS: &NFSVolume{Server: "10.0.0.2", Path: "/data"}}
	runCheckRows(t, []checkRow{
		{"a course's servers", Hub{Storage: nfsHome, UserServers: &UserServers{DefaultURL: "/lab", StartTimeout: i64(600),
			Environment: map[string]string{"A": "1"}, EnvironmentFromSecrets: map[string]SecretRef{"B": {"s", "k"}}, Volumes: []Volume{data},
			InitContainers: []InitContainer{{Name: "fix", Image: "busybox:1.36", Command: []string{"true"}, VolumeMounts: []VolumeMount{{Name: "home", MountPath: "/h"}, {Name: "data", MountPath: "/d"}}}},
			LifecycleHooks: &LifecycleHooks{PreStop: []string{"sync"}}}}, "", ""},
		{"default URL without a slash", servers(UserServers{DefaultURL: "lab"}), "user_servers.default_url", `start with '/', e.g. "/lab"`},
		{"start timeout of zero", servers(UserServers{StartTimeout: i64(0)}), "user_servers.start_timeout", "a number of seconds"},
		{"CPU guarantee above limit", servers(UserServers{CPUGuarantee: f64(4), CPULimit: f64(2)}), "user_servers.cpu_guarantee", "cpu_guarantee (4) is more than cpu_limit (2)"},
		{"memory in words", servers(UserServers{MemoryLimit: "lots"}), "user_servers.memory_limit", "is not a memory size"},
		{"environment variable name with a space", servers(UserServers{Environment: map[string]string{"MY VAR": "1"}}), `user_servers.environment["MY VAR"]`, "not an environment variable name"},
		{"variable set twice", servers(UserServers{Environment: map[string]string{"T": "1"}, EnvironmentFromSecrets: map[string]SecretRef{"T": {"s", "k"}}}),
			`user_servers.environment_from_secrets["T"]`, "in both `environment` and `environment_from_secrets`"},
		{"secret key with a slash", servers(UserServers{EnvironmentFromSecrets: map[string]SecretRef{"T": {"s", "a/b"}}}), `user_servers.environment_from_secrets["T"].key`, "not a key of a Secret"},
		{"secret name with capitals", servers(UserServers{EnvironmentFromSecrets: map[string]SecretRef{"T": {"Creds", "k"}}}), `user_servers.environment_from_secrets["T"].secret_name`, "not a valid Kubernetes object name"},
		{"volume without a source", servers(UserServers{Volumes: []Volume{{Name: "x", MountPath: "/x"}}}), "user_servers.volumes[0]", "set exactly one"},
		{"volume with two sources", servers(UserServers{Volumes: []Volume{{Name: "x", MountPath: "/x", ClaimName: "c", NFS: &NFSVolume{"h", "/p"}}}}), "user_servers.volumes[0]", "set exactly one"},
		{"volume called home", servers(UserServers{Volumes: []Volume{{Name: "home", MountPath: "/x", ClaimName: "c"}}}), "user_servers.volumes[0].name", "names the home directory's volume"},
		{"two volumes with one name", servers(UserServers{Volumes: []Volume{data, data}}), "user_servers.volumes[1].name", "are both called \"data\""},
		{"volume over the home directory", servers(UserServers{Volumes: []Volume{{Name: "x", MountPath: "/home/jovyan", ClaimName: "c"}}}), "user_servers.volumes[0].mount_path", "where home directories are mounted"},
		{"volume name with capitals", servers(UserServers{Volumes: []Volume{{Name: "Data", MountPath: "/x", ClaimName: "c"}}}), "user_servers.volumes[0].name", "not a valid name"},
		{"relative NFS path", servers(UserServers{Volumes: []Volume{{Name: "x", MountPath: "/x", NFS: &NFSVolume{"10.0.0.2", "data"}}}}), "user_servers.volumes[0].nfs.path", "clean absolute path"},
		{"init container mounting an unknown volume", servers(UserServers{InitContainers: []InitContainer{{Name: "fix", Image: "busybox:1.36", Command: []string{"true"},
			VolumeMounts: []VolumeMount{{Name: "homes", MountPath: "/h"}}}}}), "user_servers.init_containers[0].volume_mounts[0].name", `use "home" (the home directory)`},
		{"init container mounting home without one", Hub{Storage: &Storage{Type: StorageNone}, UserServers: &UserServers{InitContainers: []InitContainer{{Name: "fix", Image: "busybox:1.36",
			Command: []string{"true"}, VolumeMounts: []VolumeMount{{Name: "home", MountPath: "/h"}}}}}}, "user_servers.init_containers[0].volume_mounts[0].name", "has no home volume"},
		{"init container image without a tag", servers(UserServers{InitContainers: []InitContainer{{Name: "fix", Image: "busybox", Command: []string{"true"}}}}),
			"user_servers.init_containers[0].image", "pins neither a tag nor a digest"},
		{"init container without a command", servers(UserServers{InitContainers: []InitContainer{{Name: "fix", Image: "busybox:1.36"}}}), "user_servers.init_containers[0].command", "give the command"},
		{"two init containers with one name", servers(UserServers{InitContainers: []InitContainer{{Name: "fix", Image: "busybox:1.36", Command: []string{"a"}},
			{Name: "fix", Image: "busybox:1.36", Command: []string{"b"}}}}), "user_servers.init_containers[1].name", "both called \"fix\""},
		{"lifecycle hooks without a command", servers(UserServers{LifecycleHooks: &LifecycleHooks{}}), "user_servers.lifecycle_hooks", "Give `post_start` or `pre_stop` a command"},
	})
}

func parseYAML(t *testing.T, doc string) Values {
	t.Helper()
	var v Values
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	n, _ := NormalizeValues(v)
	return n
}

// TestParseUserServersFromHandWrittenValues: what a typed attribute can say
// exactly is taken; the rest stays in extra_values, whole where it is a
// list; secrets are left out; rendering gives the values back.
func TestParseUserServersFromHandWrittenValues(t *testing.T) {
	cases := []struct {
		name, values string
		want         UserServers
		storage      string // the storage type read back
		extra        string // extra_values, as YAML
		omitted      string
	}{
		{
			name: "an NFS home, shared data and a scratch claim",
			values: `
singleuser:
  storage:
    type: none
    extraVolumes: [{name: home-nfs, nfs: {server: 10.0.0.2, path: /homes}}, {name: data, nfs: {server: 10.0.0.3, path: /data}}, {name: scratch, persistentVolumeClaim: {claimName: scratch}}]
    extraVolumeMounts: [{name: home-nfs, mountPath: /home/jovyan, subPath: "{username}"}, {name: data, mountPath: /data, readOnly: true}, {name: scratch, mountPath: /scratch}]
`,
			want: UserServers{Volumes: []Volume{{Name: "data", MountPath: "/data", ReadOnly: true, NFS: &NFSVolume{"10.0.0.3", "/data"}},
				{Name: "scratch", MountPath: "/scratch", ClaimName: "scratch"}}},
			storage: StorageNFS,
		},
		{
			name: "a volume without a typed form keeps both lists in extra_values",
			values: `
singleuser:
  defaultUrl: /lab
  storage:
    type: none
    extraVolumes: [{name: home-nfs, nfs: {server: 10.0.0.2, path: /homes}}, {name: dshm, emptyDir: {medium: Memory}}]
    extraVolumeMounts: [{name: home-nfs, mountPath: /home/jovyan, subPath: "{username}"}, {name: dshm, mountPath: /dev/shm}]
`,
			want:    UserServers{DefaultURL: "/lab"},
			storage: StorageNone,
			extra: `singleuser:
  storage:
    extraVolumeMounts:
    - mountPath: /home/jovyan
      name: home-nfs
      subPath: '{username}'
    - mountPath: /dev/shm
      name: dshm
    extraVolumes:
    - name: home-nfs
      nfs:
        path: /homes
        server: 10.0.0.2
    - emptyDir:
        medium: Memory
      name: dshm
`,
		},
		{
			name: "environment: plain, from a Secret, from the pod, and a secret in clear",
			values: `
singleuser:
  extraEnv:
    LANG: C.UTF-8
    DB_PASSWORD: hunter2
    AWS_KEY: {valueFrom: {secretKeyRef: {name: aws, key: id}}}
    NODE: {valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
`,
			want: UserServers{Environment: map[string]string{"LANG": "C.UTF-8"}, EnvironmentFromSecrets: map[string]SecretRef{"AWS_KEY": {"aws", "id"}}},
			extra: `singleuser:
  extraEnv:
    NODE:
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
`,
			omitted: "singleuser.extraEnv.DB_PASSWORD",
		},
		{
			name: "an init container with more than the typed subset",
			values: `
singleuser:
  startTimeout: 900
  initContainers: [{name: fix, image: "busybox:1.36", command: [chown, "1000", /home/jovyan], resources: {limits: {cpu: 1}}}]
  lifecycleHooks:
    postStart: {exec: {command: [gitpuller, "https://github.com/a/b", main]}}
    preStop: {httpGet: {path: /stop, port: 8888}}
`,
			want: UserServers{StartTimeout: i64(900), LifecycleHooks: &LifecycleHooks{PostStart: []string{"gitpuller", "https://github.com/a/b", "main"}}},
			extra: `singleuser:
  initContainers:
  - command:
    - chown
    - "1000"
    - /home/jovyan
    image: busybox:1.36
    name: fix
    resources:
      limits:
        cpu: 1
  lifecycleHooks:
    preStop:
      httpGet:
        path: /stop
        port: 8888
`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := parseYAML(t, tc.values)
			h, omitted, err := Parse(v)
			if err != nil {
				t.Fatal(err)
			}
			if h.UserServers == nil || !reflect.DeepEqual(*h.UserServers, tc.want) {
				got, _ := yaml.Marshal(h.UserServers)
				want, _ := yaml.Marshal(tc.want)
				t.Errorf("user_servers\n%s\nwant\n%s", got, want)
			}
			if tc.storage != "" && (h.Storage == nil || h.Storage.Type != tc.storage) {
				t.Errorf("storage %+v, want type %s", h.Storage, tc.storage)
			}
			extra := ""
			if h.ExtraValues != nil {
				b, _ := yaml.Marshal(h.ExtraValues)
				extra = string(b)
			}
			if extra != tc.extra {
				t.Errorf("extra_values\n%s\nwant\n%s", extra, tc.extra)
			}
			if got := DottedList(omitted); got != tc.omitted {
				t.Errorf("omitted %q, want %q", got, tc.omitted)
			}
			r, err := Render(h)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := WithoutSecrets(v)
			if DriftDigest(r.Values) != DriftDigest(want) {
				got, _ := yaml.Marshal(r.Values)
				t.Errorf("rendering what was read does not give the values back:\n%s", got)
			}
		})
	}
}

// TestEnvironmentMergesWithExtraValues: extra_values writing extraEnv as a
// map adds to the typed variables; as a list it replaces them, an error.
func TestEnvironmentMergesWithExtraValues(t *testing.T) {
	h := Hub{UserServers: &UserServers{Environment: map[string]string{"A": "1"}}, ExtraValues: Values{"singleuser": map[string]any{"extraEnv": map[string]any{"B": "2"}}}}
	r, err := Render(h)
	if err != nil || len(r.Overrides) != 0 {
		t.Fatalf("map form: %v %v", r.Overrides, err)
	}
	if env, _ := lookupMap(r.Values, "singleuser", "extraEnv"); len(env) != 2 {
		t.Errorf("extraEnv %v, want both variables", env)
	}
	h.ExtraValues = Values{"singleuser": map[string]any{"extraEnv": []any{map[string]any{"name": "B", "value": "2"}}}}
	r, err = Render(h)
	if err != nil || len(r.Overrides) != 1 || r.Overrides[0].Attr.String() != `user_servers.environment["A"]` || r.Overrides[0].Replaces != "map" {
		t.Errorf("list form: %+v %v", r.Overrides, err)
	}
	if got := r.AttrFor("/singleuser/storage/extraVolumes/1").String(); got != "" {
		t.Errorf("no volumes, yet %q", got)
	}
}

// TestVolumeSourcesPointAtAttributes: each entry of the shared volume lists
// is reported at the attribute that wrote it.
func TestVolumeSourcesPointAtAttributes(t *testing.T) {
	h := goldenCases["user-servers"]
	r, err := Render(h)
	if err != nil {
		t.Fatal(err)
	}
	for ptr, want := range map[Pointer]string{
		"/singleuser/storage/extraVolumes/0":                                 "storage.nfs_server",
		"/singleuser/storage/extraVolumeMounts/0/subPath":                    "storage.sub_path",
		"/singleuser/storage/extraVolumes/2/persistentVolumeClaim/claimName": "user_servers.volumes[1]",
		"/singleuser/storage/extraVolumeMounts/1/readOnly":                   "user_servers.volumes[0]",
		"/singleuser/extraEnv/GH_SCOPED_CREDS/valueFrom":                     `user_servers.environment_from_secrets["GH_SCOPED_CREDS"]`,
		"/singleuser/initContainers/0/volumeMounts/0/name":                   "user_servers.init_containers[0]",
		"/singleuser/lifecycleHooks/postStart/exec/command":                  "user_servers.lifecycle_hooks.post_start",
	} {
		if got := r.AttrFor(ptr).String(); got != want {
			t.Errorf("%s attributed to %q, want %q", ptr, got, want)
		}
	}
	if !strings.Contains(string(mustYAML(t, r.Values)), "name: home-nfs") {
		t.Error("the init container's home mount does not name the NFS volume")
	}
}

func mustYAML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSecretLookingEnvironmentWarns(t *testing.T) {
	h := Hub{UserServers: &UserServers{Environment: map[string]string{"GITHUB_TOKEN": "ghp_x", "LANG": "C.UTF-8", "TOKEN_URL": "https://x"}}}
	got := Warnings(h)
	if len(got) != 1 || got[0].Attr.String() != `user_servers.environment["GITHUB_TOKEN"]` || !strings.Contains(got[0].Detail, "environment_from_secrets") {
		t.Errorf("warnings %v", got)
	}
}
