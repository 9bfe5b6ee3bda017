// Package gkestandin is a stand-in for the GKE and Compute Engine APIs,
// served on loopback for tests. It is not Google's service: it answers only
// what the provider asks (node pools of one cluster, machine types).
package gkestandin

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"cloud.google.com/go/container/apiv1/containerpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/gkepools"
)

// StandIn is a stand-in for the GKE API (gRPC, GetCluster) and the
// Compute Engine machine types API (REST), served on loopback for tests:
// it answers for one cluster, from the node pools and machine types it is
// given, and counts the calls. It is not Google's service.
type StandIn struct {
	containerpb.UnimplementedClusterManagerServer
	Cluster   gkepools.Cluster
	NodePools []*containerpb.NodePool
	// Autoprovisioning is the cluster's node auto-provisioning setting.
	Autoprovisioning bool
	MachineTypes     map[string][2]int32 // name -> guest CPUs, memory MB
	// ClusterGets and MachineGets count the calls answered.
	ClusterGets atomic.Int64
	MachineGets atomic.Int64

	grpcAddr string
	http     *httptest.Server
}

// Serve serves s on loopback until the test ends.
func Serve(t testing.TB, s *StandIn) *StandIn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	containerpb.RegisterClusterManagerServer(srv, s)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	s.grpcAddr = lis.Addr().String()
	s.http = httptest.NewServer(http.HandlerFunc(s.serveMachineType))
	t.Cleanup(s.http.Close)
	return s
}

// Options point the client libraries at the stand-in, without credentials.
func (s *StandIn) Options() (gke, compute []option.ClientOption) {
	return []option.ClientOption{option.WithEndpoint(s.grpcAddr), option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials()))},
		[]option.ClientOption{option.WithEndpoint(s.http.URL), option.WithoutAuthentication()}
}

func (s *StandIn) GetCluster(_ context.Context, req *containerpb.GetClusterRequest) (*containerpb.Cluster, error) {
	s.ClusterGets.Add(1)
	if req.GetName() != s.Cluster.String() {
		return nil, errNotFound(req.GetName())
	}
	return &containerpb.Cluster{Name: s.Cluster.Name, Location: s.Cluster.Location, NodePools: s.NodePools,
		Autoscaling: &containerpb.ClusterAutoscaling{EnableNodeAutoprovisioning: s.Autoprovisioning}}, nil
}

// serveMachineType answers GET /compute/v1/projects/P/zones/Z/machineTypes/M.
func (s *StandIn) serveMachineType(w http.ResponseWriter, r *http.Request) {
	s.MachineGets.Add(1)
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 8 || parts[0] != "compute" || parts[1] != "v1" || parts[2] != "projects" || parts[3] != s.Cluster.Project ||
		parts[4] != "zones" || parts[6] != "machineTypes" {
		http.Error(w, `{"error":{"code":404,"message":"not found"}}`, http.StatusNotFound)
		return
	}
	name := parts[7]
	shape, ok := s.MachineTypes[name]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":404,"message":"The resource 'machineTypes/` + name + `' was not found"}}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "compute#machineType", "name": name, "zone": parts[5], "guestCpus": shape[0], "memoryMb": shape[1]})
}

func errNotFound(what string) error { return status.Errorf(codes.NotFound, "%s not found", what) }
