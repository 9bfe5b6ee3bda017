package hubvalues

import (
	"math"
	"reflect"
	"sort"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// What every user's server gets, whatever profile is chosen: z2jh's
// singleuser.defaultUrl, startTimeout, cpu, memory, extraEnv, initContainers
// and lifecycleHooks. Extra volumes are in volumes.go: they share their
// lists with NFS home directories.

// UserServers are the settings of every user's server.
type UserServers struct {
	DefaultURL             string               `json:"default_url,omitempty"`
	StartTimeout           *int64               `json:"start_timeout,omitempty"`
	CPUGuarantee           *float64             `json:"cpu_guarantee,omitempty"`
	CPULimit               *float64             `json:"cpu_limit,omitempty"`
	MemoryGuarantee        string               `json:"memory_guarantee,omitempty"`
	MemoryLimit            string               `json:"memory_limit,omitempty"`
	Environment            map[string]string    `json:"environment"`
	EnvironmentFromSecrets map[string]SecretRef `json:"environment_from_secrets"`
	Volumes                []Volume             `json:"volumes"`
	InitContainers         []InitContainer      `json:"init_containers"`
	LifecycleHooks         *LifecycleHooks      `json:"lifecycle_hooks,omitempty"`
}

// SecretRef is one value of a Kubernetes Secret in the hub's namespace.
type SecretRef struct {
	SecretName string `json:"secret_name"`
	Key        string `json:"key"`
}

// InitContainer runs to completion before the user's server starts, e.g. to
// give the user their NFS home directory.
type InitContainer struct {
	Name         string        `json:"name"`
	Image        string        `json:"image"`
	Command      []string      `json:"command"`
	RunAsUser    *int64        `json:"run_as_user,omitempty"`
	VolumeMounts []VolumeMount `json:"volume_mounts"`
}

// VolumeMount mounts one of the server's volumes into an init container.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mount_path"`
	SubPath   string `json:"sub_path,omitempty"`
	ReadOnly  bool   `json:"read_only"`
}

// LifecycleHooks are commands run in the server's container after it
// starts and before it stops.
type LifecycleHooks struct {
	PostStart []string `json:"post_start"`
	PreStop   []string `json:"pre_stop"`
}

// Resources are what a server is guaranteed and limited to: the same four
// settings for every server and for each profile.
type Resources struct {
	CPUGuarantee, CPULimit       *float64
	MemoryGuarantee, MemoryLimit string
}

func (u *UserServers) resources() Resources {
	return Resources{u.CPUGuarantee, u.CPULimit, u.MemoryGuarantee, u.MemoryLimit}
}

func (p Profile) resources() Resources {
	return Resources{p.CPUGuarantee, p.CPULimit, p.MemoryGuarantee, p.MemoryLimit}
}

func (c OptionChoice) resources() Resources {
	return Resources{c.CPUGuarantee, c.CPULimit, c.MemoryGuarantee, c.MemoryLimit}
}

// HomeVolume is what the server's home directory volume is called in
// volume_mounts, whatever the storage type.
const HomeVolume = "home"

// homeVolumeName is the name z2jh gives the home directory volume of a
// storage type; "" without one.
func homeVolumeName(s *Storage) string {
	switch {
	case s == nil || s.Type == StorageDynamic:
		return "volume-{user_server}" // the chart's singleuser.storage.dynamic.volumeNameTemplate
	case s.Type == StorageShared:
		return "home"
	case s.Type == StorageNFS:
		return nfsVolumeName
	}
	return ""
}

// withUserServers gives a candidate hub a UserServers of its own to fill
// in: Parse tries readings on copies of a Hub, which share pointers.
func withUserServers(h *Hub) *UserServers {
	u := &UserServers{}
	if h.UserServers != nil {
		c := *h.UserServers
		u = &c
	}
	h.UserServers = u
	return u
}

func renderServerBasics(h *Hub, b *builder) {
	u := h.UserServers
	if u == nil {
		return
	}
	at := func(name string) AttrPath { return AttrPath{"user_servers", name} }
	if u.DefaultURL != "" {
		b.set(at("default_url"), u.DefaultURL, "singleuser", "defaultUrl")
	}
	if u.StartTimeout != nil {
		b.set(at("start_timeout"), *u.StartTimeout, "singleuser", "startTimeout")
	}
	if u.CPUGuarantee != nil {
		b.set(at("cpu_guarantee"), *u.CPUGuarantee, "singleuser", "cpu", "guarantee")
	}
	if u.CPULimit != nil {
		b.set(at("cpu_limit"), *u.CPULimit, "singleuser", "cpu", "limit")
	}
	if u.MemoryGuarantee != "" {
		b.set(at("memory_guarantee"), u.MemoryGuarantee, "singleuser", "memory", "guarantee")
	}
	if u.MemoryLimit != "" {
		b.set(at("memory_limit"), u.MemoryLimit, "singleuser", "memory", "limit")
	}
}

func parseServerBasics(v Values, h *Hub) {
	var u UserServers
	u.DefaultURL, _ = lookupString(v, "singleuser", "defaultUrl")
	u.StartTimeout = intPtr(lookup(v, "singleuser", "startTimeout"))
	u.CPUGuarantee = floatPtr(lookupAny(v, "singleuser", "cpu", "guarantee"))
	u.CPULimit = floatPtr(lookupAny(v, "singleuser", "cpu", "limit"))
	u.MemoryGuarantee, _ = lookupString(v, "singleuser", "memory", "guarantee")
	u.MemoryLimit, _ = lookupString(v, "singleuser", "memory", "limit")
	if reflect.DeepEqual(u, UserServers{}) {
		return
	}
	w := withUserServers(h)
	w.DefaultURL, w.StartTimeout, w.CPUGuarantee, w.CPULimit, w.MemoryGuarantee, w.MemoryLimit =
		u.DefaultURL, u.StartTimeout, u.CPUGuarantee, u.CPULimit, u.MemoryGuarantee, u.MemoryLimit
}

// envValue is how z2jh's map-form extraEnv (KubeSpawner's environment)
// writes a variable: its value, or where in a Secret to find it.
func envValues(plain map[string]string, fromSecrets map[string]SecretRef) map[string]any {
	out := map[string]any{}
	for name, value := range plain {
		out[name] = value
	}
	for name, ref := range fromSecrets {
		out[name] = secretEnvValue(ref)
	}
	return out
}

func secretEnvValue(ref SecretRef) map[string]any {
	return map[string]any{"valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": ref.SecretName, "key": ref.Key}}}
}

// parseEnv reads variables in the form envValues writes. Others (another
// valueFrom, a number) are left for extra_values, and so are plain values
// whose names say they are secrets: they would land in state.
func parseEnv(env map[string]any) (plain map[string]string, fromSecrets map[string]SecretRef) {
	for name, value := range env {
		if s, ok := value.(string); ok {
			if SecretKey(name) && s != "" {
				continue
			}
			if plain == nil {
				plain = map[string]string{}
			}
			plain[name] = s
			continue
		}
		ref, ok := lookupMap(asMap(value), "valueFrom", "secretKeyRef")
		if !ok || len(ref) != 2 || len(asMap(value)) != 1 || len(asMap(asMap(value)["valueFrom"])) != 1 {
			continue
		}
		r := SecretRef{}
		r.SecretName, _ = ref["name"].(string)
		r.Key, _ = ref["key"].(string)
		if r.SecretName == "" || r.Key == "" {
			continue
		}
		if fromSecrets == nil {
			fromSecrets = map[string]SecretRef{}
		}
		fromSecrets[name] = r
	}
	return plain, fromSecrets
}

func renderServerEnv(h *Hub, b *builder) {
	u := h.UserServers
	if u == nil {
		return
	}
	for name, value := range envValues(u.Environment, nil) {
		b.set(AttrPath{"user_servers", "environment", MapKey(name)}, value, "singleuser", "extraEnv", name)
	}
	for name, value := range envValues(nil, u.EnvironmentFromSecrets) {
		b.set(AttrPath{"user_servers", "environment_from_secrets", MapKey(name)}, value, "singleuser", "extraEnv", name)
	}
}

func parseServerEnv(v Values, h *Hub) {
	env, _ := lookupMap(v, "singleuser", "extraEnv")
	plain, fromSecrets := parseEnv(env)
	if plain != nil || fromSecrets != nil {
		u := withUserServers(h)
		u.Environment, u.EnvironmentFromSecrets = plain, fromSecrets
	}
}

func mountValue(m VolumeMount, name string) map[string]any {
	out := map[string]any{"name": name, "mountPath": m.MountPath}
	if m.SubPath != "" {
		out["subPath"] = m.SubPath
	}
	if m.ReadOnly {
		out["readOnly"] = true
	}
	return out
}

// parseMount reads a volume mount mountValue wrote; ok is false for another shape.
func parseMount(v any) (m VolumeMount, ok bool) {
	e, isMap := v.(map[string]any)
	if !isMap {
		return m, false
	}
	m.Name, _ = e["name"].(string)
	m.MountPath, _ = e["mountPath"].(string)
	m.SubPath, _ = e["subPath"].(string)
	m.ReadOnly, _ = e["readOnly"].(bool)
	return m, reflect.DeepEqual(mountValue(m, m.Name), e)
}

func initContainerValue(c InitContainer, home string) map[string]any {
	out := map[string]any{"name": c.Name, "image": c.Image}
	if len(c.Command) > 0 {
		out["command"] = stringsAsValues(c.Command)
	}
	if c.RunAsUser != nil {
		out["securityContext"] = map[string]any{"runAsUser": float64(*c.RunAsUser)}
	}
	if len(c.VolumeMounts) > 0 {
		mounts := make([]any, len(c.VolumeMounts))
		for i, m := range c.VolumeMounts {
			name := m.Name
			if name == HomeVolume && home != "" {
				name = home
			}
			mounts[i] = mountValue(m, name)
		}
		out["volumeMounts"] = mounts
	}
	return out
}

func renderInitContainers(h *Hub, b *builder) {
	u := h.UserServers
	if u == nil || len(u.InitContainers) == 0 {
		return
	}
	list := make([]any, len(u.InitContainers))
	for i, c := range u.InitContainers {
		list[i] = initContainerValue(c, homeVolumeName(h.Storage))
	}
	b.set(AttrPath{"user_servers", "init_containers"}, list, "singleuser", "initContainers")
	for i := range list {
		b.source(AttrPath{"user_servers", "init_containers", i}, "singleuser", "initContainers", i)
	}
}

// parseInitContainers reads the list back only when every container has
// the typed shape, so that nothing is lost.
func parseInitContainers(v Values, h *Hub) {
	raw, _ := lookup(v, "singleuser", "initContainers")
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		return
	}
	home := homeVolumeName(h.Storage)
	var out []InitContainer
	for _, item := range list {
		e := asMap(item)
		var c InitContainer
		c.Name, _ = e["name"].(string)
		c.Image, _ = e["image"].(string)
		c.Command = stringList(e["command"], true)
		if sc, ok := e["securityContext"].(map[string]any); ok {
			c.RunAsUser = intPtr(sc["runAsUser"], true)
		}
		mounts, _ := e["volumeMounts"].([]any)
		for _, mv := range mounts {
			m, ok := parseMount(mv)
			if !ok {
				return
			}
			if m.Name == home && home != "" {
				m.Name = HomeVolume
			}
			c.VolumeMounts = append(c.VolumeMounts, m)
		}
		again, _ := Normalize(initContainerValue(c, home))
		if !reflect.DeepEqual(again, item) {
			return
		}
		out = append(out, c)
	}
	withUserServers(h).InitContainers = out
}

func renderLifecycleHooks(h *Hub, b *builder) {
	u := h.UserServers
	if u == nil || u.LifecycleHooks == nil {
		return
	}
	for _, hook := range []struct {
		attr, key string
		command   []string
	}{{"post_start", "postStart", u.LifecycleHooks.PostStart}, {"pre_stop", "preStop", u.LifecycleHooks.PreStop}} {
		if len(hook.command) > 0 {
			b.set(AttrPath{"user_servers", "lifecycle_hooks", hook.attr}, map[string]any{"exec": map[string]any{"command": stringsAsValues(hook.command)}},
				"singleuser", "lifecycleHooks", hook.key)
		}
	}
}

func parseLifecycleHooks(v Values, h *Hub) {
	command := func(key string) []string {
		hook, ok := lookupMap(v, "singleuser", "lifecycleHooks", key)
		if !ok || len(hook) != 1 || len(asMap(hook["exec"])) != 1 {
			return nil
		}
		return stringList(lookup(hook, "exec", "command"))
	}
	hooks := &LifecycleHooks{PostStart: command("postStart"), PreStop: command("preStop")}
	if len(hooks.PostStart) > 0 || len(hooks.PreStop) > 0 {
		withUserServers(h).LifecycleHooks = hooks
	}
}

func checkServerFields(h Hub, ps *problems) {
	u := h.UserServers
	if u == nil {
		return
	}
	at := func(name string) AttrPath { return AttrPath{"user_servers", name} }
	ps.field(at("default_url"), u.DefaultURL, validate.URLPath)
	ps.atLeast(at("start_timeout"), u.StartTimeout, 1, "a number of seconds, e.g. 600")
	checkResourceFields(at, u.resources(), ps)
	checkEnvFields(append(AttrPath{}, "user_servers"), u.Environment, u.EnvironmentFromSecrets, ps)
	for i, c := range u.InitContainers {
		cat := func(name string) AttrPath { return AttrPath{"user_servers", "init_containers", i, name} }
		ps.field(cat("name"), c.Name, validate.DNSLabel)
		ps.field(cat("image"), c.Image, validate.ImageRef)
		if len(c.Command) == 0 {
			ps.add(cat("command"), "Invalid value", "give the command to run, e.g. [\"sh\", \"-c\", \"chown 1000:100 /home/jovyan\"]")
		}
		ps.atLeast(cat("run_as_user"), c.RunAsUser, 0, "a user ID, e.g. 0 for root")
		for j, m := range c.VolumeMounts {
			mat := func(name string) AttrPath {
				return AttrPath{"user_servers", "init_containers", i, "volume_mounts", j, name}
			}
			ps.field(mat("mount_path"), m.MountPath, validate.AbsolutePath)
			ps.field(mat("sub_path"), m.SubPath, validate.SubPath)
		}
	}
	if hooks := u.LifecycleHooks; hooks != nil {
		for _, hook := range []struct {
			attr    string
			command []string
		}{{"post_start", hooks.PostStart}, {"pre_stop", hooks.PreStop}} {
			if hook.command != nil && len(hook.command) == 0 {
				ps.add(AttrPath{"user_servers", "lifecycle_hooks", hook.attr}, "Invalid value", "give the command to run, or leave it out")
			}
		}
	}
}

// checkResourceFields checks CPU and memory sizes, as the validators do.
func checkResourceFields(at func(string) AttrPath, r Resources, ps *problems) {
	ps.field(at("memory_guarantee"), r.MemoryGuarantee, validate.Memory)
	ps.field(at("memory_limit"), r.MemoryLimit, validate.Memory)
	for _, c := range []struct {
		name string
		v    *float64
	}{{"cpu_guarantee", r.CPUGuarantee}, {"cpu_limit", r.CPULimit}} {
		if c.v != nil && (!(*c.v > 0) || math.IsInf(*c.v, 0)) {
			ps.add(at(c.name), "Invalid value", "CPU must be a positive number of cores, e.g. 0.5 or 2")
		}
	}
}

// checkResources finds guarantees above limits, which Kubernetes refuses.
func checkResources(at func(string) AttrPath, r Resources, ps *problems) {
	if r.CPUGuarantee != nil && r.CPULimit != nil && *r.CPUGuarantee > *r.CPULimit {
		ps.add(at("cpu_guarantee"), "Guarantee above limit", "cpu_guarantee (%v) is more than cpu_limit (%v).", *r.CPUGuarantee, *r.CPULimit)
	}
	if r.MemoryGuarantee != "" && r.MemoryLimit != "" && validate.Memory(r.MemoryGuarantee) == nil && validate.Memory(r.MemoryLimit) == nil &&
		validate.Bytes(r.MemoryGuarantee) > validate.Bytes(r.MemoryLimit) {
		ps.add(at("memory_guarantee"), "Guarantee above limit", "memory_guarantee (%s) is more than memory_limit (%s).", r.MemoryGuarantee, r.MemoryLimit)
	}
}

// checkEnvFields checks the variables of `environment` and
// `environment_from_secrets` under at.
func checkEnvFields(at AttrPath, plain map[string]string, fromSecrets map[string]SecretRef, ps *problems) {
	sub := func(steps ...any) AttrPath { return append(append(AttrPath{}, at...), steps...) }
	for _, name := range sortedKeys(plain) {
		ps.field(sub("environment", MapKey(name)), name, validate.EnvName)
	}
	for _, name := range sortedKeys(fromSecrets) {
		ref := fromSecrets[name]
		ps.field(sub("environment_from_secrets", MapKey(name)), name, validate.EnvName)
		ps.field(sub("environment_from_secrets", MapKey(name), "secret_name"), ref.SecretName, validate.ObjectName)
		ps.field(sub("environment_from_secrets", MapKey(name), "key"), ref.Key, validate.SecretKey)
	}
}

// checkEnvTwice finds a variable in both `environment` and
// `environment_from_secrets` under at.
func checkEnvTwice(at AttrPath, plain map[string]string, fromSecrets map[string]SecretRef, ps *problems) {
	for _, name := range sortedKeys(fromSecrets) {
		if _, twice := plain[name]; twice {
			ps.add(append(append(AttrPath{}, at...), "environment_from_secrets", MapKey(name)), "Variable set twice",
				"%s is in both `environment` and `environment_from_secrets`: keep one.", name)
		}
	}
}

func checkServers(h Hub, ps *problems) {
	u := h.UserServers
	if u == nil {
		return
	}
	checkResources(func(name string) AttrPath { return AttrPath{"user_servers", name} }, u.resources(), ps)
	checkEnvTwice(AttrPath{"user_servers"}, u.Environment, u.EnvironmentFromSecrets, ps)
	known := map[string]bool{}
	if homeVolumeName(h.Storage) != "" {
		known[HomeVolume] = true
	}
	for _, v := range u.Volumes {
		known[v.Name] = true
	}
	names := map[string]int{}
	for i, c := range u.InitContainers {
		if j, dup := names[c.Name]; dup && c.Name != "" {
			ps.add(AttrPath{"user_servers", "init_containers", i, "name"}, "Duplicate init container",
				"Init containers %d and %d are both called %q: give each its own name.", j, i, c.Name)
		}
		names[c.Name] = i
		for j, m := range c.VolumeMounts {
			if !known[m.Name] {
				ps.add(AttrPath{"user_servers", "init_containers", i, "volume_mounts", j, "name"}, "Unknown volume",
					"%q is not a volume of users' servers: use %s.", m.Name, volumeChoices(known))
			}
		}
	}
	if hooks := u.LifecycleHooks; hooks != nil && len(hooks.PostStart) == 0 && len(hooks.PreStop) == 0 {
		ps.add(AttrPath{"user_servers", "lifecycle_hooks"}, "Empty lifecycle hooks", "Give `post_start` or `pre_stop` a command, or leave `lifecycle_hooks` out.")
	}
}

func volumeChoices(known map[string]bool) string {
	if len(known) == 0 {
		return "the name of one of `user_servers.volumes` (this hub has no home volume, and no other)"
	}
	names := sortedKeys(known)
	out := ""
	for i, n := range names {
		if i > 0 {
			out += " or "
		}
		out += "\"" + n + "\""
		if n == HomeVolume {
			out += " (the home directory)"
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func stringsAsValues(in []string) []any {
	out := make([]any, len(in))
	for i, s := range in {
		out[i] = s
	}
	return out
}

// lookupAny is lookup's value alone.
func lookupAny(v Values, keys ...string) any {
	x, _ := lookup(v, keys...)
	return x
}
