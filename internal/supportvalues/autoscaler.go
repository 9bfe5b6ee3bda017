package supportvalues

// ClusterAutoscaler is the Kubernetes cluster-autoscaler, for clouds that do
// not scale node pools themselves (EKS managed node groups). GKE and AKS
// have their own: leave it out there.
type ClusterAutoscaler struct {
	ChartSettings
	// CloudProvider is the autoscaler's cloud, e.g. "aws".
	CloudProvider string `json:"cloud_provider,omitempty"`
	// ClusterName finds the node groups tagged for auto-discovery
	// (k8s.io/cluster-autoscaler/<name>); without it the chart renders no Deployment.
	ClusterName string `json:"cluster_name"`
	// Region is the cloud region, e.g. "us-west-2" (AWS).
	Region string `json:"region,omitempty"`
	// ServiceAccountAnnotations give the autoscaler its cloud identity, e.g.
	// {"eks.amazonaws.com/role-arn" = "arn:aws:iam::...:role/autoscaler"} (IRSA).
	ServiceAccountAnnotations map[string]string `json:"service_account_annotations,omitempty"`
	Resources                 *Resources        `json:"resources,omitempty"`
}

// DefaultCloudProvider is the autoscaler's cloud when not set.
const DefaultCloudProvider = "aws"

func (a *ClusterAutoscaler) render(b *builder) {
	b.set("cloud_provider", or(a.CloudProvider, DefaultCloudProvider), "cloudProvider")
	b.set("cluster_name", a.ClusterName, "autoDiscovery", "clusterName")
	if a.Region != "" {
		b.set("region", a.Region, "awsRegion")
	}
	if len(a.ServiceAccountAnnotations) > 0 {
		b.set("service_account_annotations", stringMap(a.ServiceAccountAnnotations), "rbac", "serviceAccount", "annotations")
	}
	if a.Resources != nil {
		b.set("resources", a.Resources.values(), "resources")
	}
}
