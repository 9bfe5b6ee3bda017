// Package gkepools reads a GKE cluster's node pools, with what their
// machines offer, through the GKE and Compute Engine APIs, so that a hub's
// profiles can be checked against pools that have no nodes yet (scaled to
// zero). Nodes (nodes.go) is the pure part: each pool as a node of its machine
// type, for nodefit's check.
package gkepools

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	container "cloud.google.com/go/container/apiv1"
	"cloud.google.com/go/container/apiv1/containerpb"
	"google.golang.org/api/option"
	htransport "google.golang.org/api/transport/http"
)

// Cluster names a GKE cluster.
type Cluster struct {
	Project  string
	Location string // a region (regional cluster) or a zone (zonal)
	Name     string
}

func (c Cluster) String() string {
	return fmt.Sprintf("projects/%s/locations/%s/clusters/%s", c.Project, c.Location, c.Name)
}

// Taint is a node taint as Kubernetes writes it.
type Taint struct{ Key, Value, Effect string }

// Pool is one node pool and the machine its nodes are.
type Pool struct {
	Name        string
	MachineType string
	CPUs        int64 // guest CPUs of the machine type
	MemoryBytes int64 // memory of the machine type (GKE reserves part of it)
	// Labels are the nodes' labels: the pool's own and those GKE adds
	// (cloud.google.com/gke-nodepool, node.kubernetes.io/instance-type, ...).
	Labels          map[string]string
	Taints          []Taint
	AcceleratorType string
	Accelerators    int64 // per node
	Spot            bool
	Autoscaling     bool
	MinNodes        int64
	MaxNodes        int64
	Zones           []string
}

// Cluster's node pools as the GKE API describes them.
type Pools struct {
	Pools []Pool
	// Autoprovisioning: GKE creates new pools for servers none fits (node
	// auto-provisioning), so the pools listed are not all there can be.
	Autoprovisioning bool
	// Autopilot: GKE picks machines per pod; there are no pools to check.
	Autopilot bool
}

// Read reads the cluster (one GKE API call, which carries its node pools)
// and looks up each distinct machine type (one Compute Engine call each).
// Without options the clients use Google's Application Default
// Credentials; gkeOpts and computeOpts point them elsewhere (a stand-in, in
// tests).
func Read(ctx context.Context, c Cluster, gkeOpts, computeOpts []option.ClientOption) (Pools, error) {
	gke, err := container.NewClusterManagerClient(ctx, gkeOpts...)
	if err != nil {
		return Pools{}, fmt.Errorf("GKE API client: %w", err)
	}
	defer gke.Close()
	cl, err := gke.GetCluster(ctx, &containerpb.GetClusterRequest{Name: c.String()})
	if err != nil {
		return Pools{}, fmt.Errorf("reading GKE cluster %s: %w", c, err)
	}
	out := Pools{Autopilot: cl.GetAutopilot().GetEnabled(), Autoprovisioning: cl.GetAutoscaling().GetEnableNodeAutoprovisioning()}
	if out.Autopilot || len(cl.GetNodePools()) == 0 {
		return out, nil
	}
	machines, err := newMachineTypes(ctx, computeOpts)
	if err != nil {
		return Pools{}, err
	}

	type shape struct{ cpus, memory int64 }
	seen := map[string]shape{}
	for _, np := range cl.GetNodePools() {
		p := fromAPI(np)
		zone := machineZone(c, p)
		key := zone + "/" + p.MachineType
		s, ok := seen[key]
		if !ok {
			mt, err := machines.get(ctx, c.Project, zone, p.MachineType)
			if err != nil {
				return Pools{}, fmt.Errorf("looking up machine type %s of node pool %s in %s: %w", p.MachineType, p.Name, zone, err)
			}
			s = shape{cpus: mt.GuestCPUs, memory: mt.MemoryMB << 20}
			seen[key] = s
		}
		p.CPUs, p.MemoryBytes = s.cpus, s.memory
		out.Pools = append(out.Pools, p)
	}
	sort.Slice(out.Pools, func(i, j int) bool { return out.Pools[i].Name < out.Pools[j].Name })
	return out, nil
}

// fromAPI is a pool as its nodes will be: the labels and taints GKE puts on
// them besides the pool's own.
func fromAPI(np *containerpb.NodePool) Pool {
	cfg := np.GetConfig()
	p := Pool{Name: np.GetName(), MachineType: cfg.GetMachineType(), Spot: cfg.GetSpot() || cfg.GetPreemptible(), Zones: np.GetLocations()}
	p.Labels = map[string]string{
		"cloud.google.com/gke-nodepool":    p.Name,
		"node.kubernetes.io/instance-type": p.MachineType,
	}
	for k, v := range cfg.GetLabels() {
		p.Labels[k] = v
	}
	if cfg.GetSpot() {
		p.Labels["cloud.google.com/gke-spot"] = "true"
	} else if cfg.GetPreemptible() {
		p.Labels["cloud.google.com/gke-preemptible"] = "true"
	}
	for _, t := range cfg.GetTaints() {
		p.Taints = append(p.Taints, Taint{Key: t.GetKey(), Value: t.GetValue(), Effect: taintEffect(t.GetEffect())})
	}
	for _, a := range cfg.GetAccelerators() {
		p.AcceleratorType, p.Accelerators = a.GetAcceleratorType(), a.GetAcceleratorCount()
		p.Labels["cloud.google.com/gke-accelerator"] = p.AcceleratorType
		// GKE taints GPU nodes so that only pods asking for GPUs land there.
		p.Taints = append(p.Taints, Taint{Key: GPUResource, Value: "present", Effect: "NoSchedule"})
	}
	if as := np.GetAutoscaling(); as.GetEnabled() {
		p.Autoscaling = true
		p.MinNodes, p.MaxNodes = int64(as.GetMinNodeCount()), int64(as.GetMaxNodeCount())
		if as.GetTotalMaxNodeCount() > 0 {
			p.MinNodes, p.MaxNodes = int64(as.GetTotalMinNodeCount()), int64(as.GetTotalMaxNodeCount())
		}
	} else {
		p.MinNodes, p.MaxNodes = int64(np.GetInitialNodeCount()), int64(np.GetInitialNodeCount())
	}
	return p
}

// GPUResource is the extended resource GKE's GPU nodes offer, and the key of
// the taint it gives them.
const GPUResource = "nvidia.com/gpu"

// machineZone is a zone the pool's machine type is looked up in: machine
// types are per zone, and one of the pool's own is where its nodes run.
func machineZone(c Cluster, p Pool) string {
	if len(p.Zones) > 0 {
		return p.Zones[0]
	}
	if strings.Count(c.Location, "-") >= 2 {
		return c.Location // a zonal cluster
	}
	return c.Location + "-b"
}

func taintEffect(e containerpb.NodeTaint_Effect) string {
	switch e {
	case containerpb.NodeTaint_NO_SCHEDULE:
		return "NoSchedule"
	case containerpb.NodeTaint_PREFER_NO_SCHEDULE:
		return "PreferNoSchedule"
	case containerpb.NodeTaint_NO_EXECUTE:
		return "NoExecute"
	}
	return e.String()
}

// machineTypes reads Compute Engine machine types. It calls the one REST
// method it needs over the client library's HTTP transport (credentials,
// endpoint and no-authentication options as every Google client takes
// them) rather than through cloud.google.com/go/compute, whose generated
// code alone takes minutes to compile.
type machineTypes struct {
	client *http.Client
	base   string
}

type machineType struct {
	GuestCPUs int64 `json:"guestCpus"`
	MemoryMB  int64 `json:"memoryMb"`
}

const computeEndpoint = "https://compute.googleapis.com"

func newMachineTypes(ctx context.Context, opts []option.ClientOption) (*machineTypes, error) {
	all := append([]option.ClientOption{option.WithScopes("https://www.googleapis.com/auth/compute.readonly"), option.WithEndpoint(computeEndpoint)}, opts...)
	client, endpoint, err := htransport.NewClient(ctx, all...)
	if err != nil {
		return nil, fmt.Errorf("Compute Engine API client: %w", err)
	}
	return &machineTypes{client: client, base: strings.TrimSuffix(endpoint, "/")}, nil
}

func (m *machineTypes) get(ctx context.Context, project, zone, name string) (machineType, error) {
	u := fmt.Sprintf("%s/compute/v1/projects/%s/zones/%s/machineTypes/%s", m.base, url.PathEscape(project), url.PathEscape(zone), url.PathEscape(name))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return machineType{}, err
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return machineType{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return machineType{}, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return machineType{}, fmt.Errorf("Compute Engine API: %s: %s", resp.Status, e.Error.Message)
	}
	var out machineType
	if err := json.Unmarshal(body, &out); err != nil {
		return machineType{}, fmt.Errorf("Compute Engine API: %w", err)
	}
	return out, nil
}
