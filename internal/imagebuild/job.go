package imagebuild

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// Defaults of the build pod.
const (
	DefaultRepo2DockerImage = "quay.io/jupyterhub/repo2docker:2024.07.0"
	DefaultDindImage        = "docker.io/library/docker:27-dind"
)

// Docker daemons a build can use.
const (
	// DockerSidecar runs a Docker-in-Docker daemon beside repo2docker in the
	// build pod (privileged): works on nodes that only run containerd, which
	// is the default of GKE, EKS and AKS.
	DockerSidecar = "sidecar"
	// DockerHost uses the node's own Docker socket, as BinderHub's host builder.
	DockerHost = "host"
)

const (
	// Labels and annotations on build Jobs.
	ComponentLabel   = "component"
	ComponentValue   = "image-build"
	ImageAnnotation  = "twoi2chub.2i2c.org/image"
	CommitAnnotation = "twoi2chub.2i2c.org/commit"
	pushConfigDir    = "/etc/twoi2chub/docker-push"
	containerName    = "repo2docker"
)

// Builder says where and how builds run in the cluster.
type Builder struct {
	Namespace    string
	Image        string // repo2docker image; default DefaultRepo2DockerImage
	NodeSelector map[string]string
	Tolerations  []corev1.Toleration
	CPU          string // requested, e.g. "1"
	Memory       string // requested and limit, e.g. "4Gi"
	// PushSecret is a kubernetes.io/dockerconfigjson Secret with credentials
	// to push to the image's registry.
	PushSecret string
	// Docker is DockerSidecar (default) or DockerHost.
	Docker string
	// DindImage is the Docker-in-Docker image of the sidecar.
	DindImage string
	// DockerSocket is the node's Docker socket, with DockerHost.
	DockerSocket string
}

// Args is the repo2docker command line for a build.
func Args(r Request, tag string) []string {
	args := []string{"repo2docker",
		"--ref", r.Commit,
		"--image-name", r.Image + ":" + tag,
		"--push", "--no-run",
		"--user-name", "jovyan", "--user-id", "1000",
		"--json-logs",
	}
	if r.Subpath != "" {
		args = append(args, "--subdir", r.Subpath)
	}
	args = append(args, r.BuildArgs...)
	return append(args, r.Repository)
}

// Job is the build Job for r at tag: repo2docker against a Docker daemon (a
// sidecar, or the node's), pushing with the push secret, failing once without
// retries, and leaving the tail of its log in the pod's termination message
// when it fails. It fails on a CPU or memory amount that is not a quantity.
func Job(b Builder, r Request, tag string) (*batchv1.Job, error) {
	image := b.Image
	if image == "" {
		image = DefaultRepo2DockerImage
	}
	container := corev1.Container{
		Name:                     containerName,
		Image:                    image,
		Args:                     Args(r, tag),
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
	}
	requests, limits := corev1.ResourceList{}, corev1.ResourceList{}
	if b.CPU != "" {
		q, err := resource.ParseQuantity(b.CPU)
		if err != nil {
			return nil, fmt.Errorf("builder cpu %q is not a quantity: %w", b.CPU, err)
		}
		requests[corev1.ResourceCPU] = q
	}
	if b.Memory != "" {
		q, err := resource.ParseQuantity(b.Memory)
		if err != nil {
			return nil, fmt.Errorf("builder memory %q is not a quantity: %w", b.Memory, err)
		}
		requests[corev1.ResourceMemory], limits[corev1.ResourceMemory] = q, q
	}
	container.Resources = corev1.ResourceRequirements{Requests: requests, Limits: limits}
	var volumes []corev1.Volume
	var sidecars []corev1.Container
	if b.Docker == DockerHost {
		socket := b.DockerSocket
		if socket == "" {
			socket = "/var/run/docker.sock"
		}
		container.VolumeMounts = append(container.VolumeMounts, corev1.VolumeMount{Name: "docker-socket", MountPath: "/var/run/docker.sock"})
		volumes = append(volumes, corev1.Volume{Name: "docker-socket", VolumeSource: corev1.VolumeSource{
			HostPath: &corev1.HostPathVolumeSource{Path: socket, Type: ptr.To(corev1.HostPathSocket)},
		}})
	} else {
		// A native sidecar (an init container that keeps running) stops
		// with the pod, so the Job completes when repo2docker exits.
		dind := b.DindImage
		if dind == "" {
			dind = DefaultDindImage
		}
		container.Env = append(container.Env, corev1.EnvVar{Name: "DOCKER_HOST", Value: "unix:///var/run/dind/docker.sock"})
		container.VolumeMounts = append(container.VolumeMounts, corev1.VolumeMount{Name: "dind-socket", MountPath: "/var/run/dind"})
		sidecars = append(sidecars, corev1.Container{
			Name:            "dind",
			Image:           dind,
			Args:            []string{"dockerd", "--host=unix:///var/run/dind/docker.sock"},
			RestartPolicy:   ptr.To(corev1.ContainerRestartPolicyAlways),
			SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "dind-socket", MountPath: "/var/run/dind"},
				{Name: "dind-storage", MountPath: "/var/lib/docker"},
			},
			StartupProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"docker", "-H", "unix:///var/run/dind/docker.sock", "info"}}},
				PeriodSeconds:    2,
				FailureThreshold: 60,
			},
		})
		volumes = append(volumes,
			corev1.Volume{Name: "dind-socket", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			corev1.Volume{Name: "dind-storage", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	}
	if b.PushSecret != "" {
		container.Env = append(container.Env, corev1.EnvVar{Name: "DOCKER_CONFIG", Value: pushConfigDir})
		container.VolumeMounts = append(container.VolumeMounts, corev1.VolumeMount{Name: "push-secret", MountPath: pushConfigDir, ReadOnly: true})
		volumes = append(volumes, corev1.Volume{Name: "push-secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: b.PushSecret,
			Items:      []corev1.KeyToPath{{Key: corev1.DockerConfigJsonKey, Path: "config.json"}},
		}}})
	}
	labels := map[string]string{"app.kubernetes.io/managed-by": "terraform-provider-twoi2chub", ComponentLabel: ComponentValue}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:      JobName(tag),
			Namespace: b.Namespace,
			Labels:    labels,
			Annotations: map[string]string{
				ImageAnnotation:  r.Image + ":" + tag,
				CommitAnnotation: r.Commit,
			},
		},
		Spec: batchv1.JobSpec{
			BackoffLimit:            ptr.To[int32](0),
			TTLSecondsAfterFinished: ptr.To[int32](24 * 3600),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy:  corev1.RestartPolicyNever,
					NodeSelector:   b.NodeSelector,
					Tolerations:    b.Tolerations,
					InitContainers: sidecars,
					Containers:     []corev1.Container{container},
					Volumes:        volumes,
				},
			},
		},
	}
	return job, nil
}

// BuildFailedError is a build Job that failed, with the end of its log.
type BuildFailedError struct {
	Job     string
	Reason  string
	LogTail string
}

func (e *BuildFailedError) Error() string {
	msg := fmt.Sprintf("build Job %s failed: %s", e.Job, e.Reason)
	if e.LogTail != "" {
		msg += "\nlast lines of the build log:\n" + e.LogTail
	}
	return msg
}

// Start creates the build Job, or finds the one already building this tag
// (another apply started it) so that it is awaited rather than duplicated.
// A finished Job left from an earlier attempt is replaced.
func Start(ctx context.Context, cs kubernetes.Interface, job *batchv1.Job) (created bool, err error) {
	jobs := cs.BatchV1().Jobs(job.Namespace)
	for attempt := 0; attempt < 30; attempt++ {
		_, err := jobs.Create(ctx, job, metav1.CreateOptions{})
		if err == nil {
			return true, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return false, err
		}
		existing, err := jobs.Get(ctx, job.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return false, err
		}
		if finished(existing) == "" && existing.DeletionTimestamp == nil {
			return false, nil // running: await it
		}
		// A finished attempt: the registry does not have the image (or the
		// caller would not be building), so build again.
		if existing.DeletionTimestamp == nil {
			if err := jobs.Delete(ctx, job.Name, metav1.DeleteOptions{PropagationPolicy: ptr.To(metav1.DeletePropagationBackground)}); err != nil && !apierrors.IsNotFound(err) {
				return false, err
			}
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return false, fmt.Errorf("build Job %s/%s could not be replaced", job.Namespace, job.Name)
}

// finished returns "Complete" or "Failed" for a finished Job, else "".
func finished(j *batchv1.Job) string {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return string(c.Type)
		}
	}
	return ""
}

// Follow waits for the build Job to finish, reporting progress through logf
// (repo2docker's JSON log lines, while the pod's log can be streamed). A
// failed build returns a *BuildFailedError with the end of the log.
func Follow(ctx context.Context, cs kubernetes.Interface, namespace, name string, logf func(string, ...any)) error {
	jobs := cs.BatchV1().Jobs(namespace)
	streaming := map[string]bool{}
	for {
		list, err := jobs.List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		if err != nil {
			return err
		}
		if len(list.Items) == 0 {
			return fmt.Errorf("build Job %s/%s disappeared", namespace, name)
		}
		job := &list.Items[0]
		switch finished(job) {
		case "Complete":
			return nil
		case "Failed":
			return failure(ctx, cs, job)
		}
		streamLogs(ctx, cs, job, streaming, logf)
		w, err := jobs.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name, ResourceVersion: list.ResourceVersion})
		if err != nil {
			return err
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Error {
				break
			}
			j, ok := ev.Object.(*batchv1.Job)
			if !ok {
				continue
			}
			if ev.Type == watch.Deleted {
				w.Stop()
				return fmt.Errorf("build Job %s/%s was deleted before it finished", namespace, name)
			}
			switch finished(j) {
			case "Complete":
				w.Stop()
				return nil
			case "Failed":
				w.Stop()
				return failure(ctx, cs, j)
			}
			streamLogs(ctx, cs, j, streaming, logf)
		}
		w.Stop()
		if ctx.Err() != nil {
			return fmt.Errorf("build Job %s/%s still running: %w", namespace, name, ctx.Err())
		}
	}
}

func jobPods(ctx context.Context, cs kubernetes.Interface, j *batchv1.Job) []corev1.Pod {
	pods, err := cs.CoreV1().Pods(j.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "job-name=" + j.Name})
	if err != nil {
		return nil
	}
	sort.Slice(pods.Items, func(a, b int) bool { return pods.Items[a].CreationTimestamp.Before(&pods.Items[b].CreationTimestamp) })
	return pods.Items
}

// failure explains a failed Job: its condition, and the tail of the build
// log the kubelet keeps in the container's termination message.
func failure(ctx context.Context, cs kubernetes.Interface, j *batchv1.Job) error {
	e := &BuildFailedError{Job: j.Namespace + "/" + j.Name, Reason: "failed"}
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobFailed {
			e.Reason = strings.TrimSpace(c.Reason + ": " + c.Message)
		}
	}
	for _, p := range jobPods(ctx, cs, j) {
		for _, s := range p.Status.ContainerStatuses {
			if t := s.State.Terminated; t != nil {
				e.Reason = fmt.Sprintf("%s (exit code %d)", e.Reason, t.ExitCode)
				e.LogTail = strings.TrimSpace(t.Message)
			}
		}
	}
	return e
}

// streamLogs follows the log of each running build pod once, best effort:
// where the API cannot serve logs, the tail still comes with a failure.
func streamLogs(ctx context.Context, cs kubernetes.Interface, j *batchv1.Job, started map[string]bool, logf func(string, ...any)) {
	for _, p := range jobPods(ctx, cs, j) {
		if started[p.Name] || p.Status.Phase != corev1.PodRunning {
			continue
		}
		started[p.Name] = true
		go func(pod string) {
			stream, err := cs.CoreV1().Pods(j.Namespace).GetLogs(pod, &corev1.PodLogOptions{Container: containerName, Follow: true}).Stream(ctx)
			if err != nil {
				return
			}
			defer stream.Close()
			sc := bufio.NewScanner(stream)
			for sc.Scan() {
				logf("build %s: %s", j.Name, LogMessage(sc.Text()))
			}
		}(p.Name)
	}
}

// LogMessage extracts the message of a repo2docker --json-logs line.
func LogMessage(line string) string {
	var entry struct {
		Message string `json:"message"`
	}
	if json.Unmarshal([]byte(line), &entry) == nil && entry.Message != "" {
		return strings.TrimRight(entry.Message, "\n")
	}
	return line
}

// Result of Ensure.
type Result struct {
	Tag    string
	Digest string
	// Built is true when this call ran (or awaited) a build; false when the
	// registry already had the image.
	Built bool
}

// Ensure makes sure the registry has the image for r: nothing is built when
// the tag is already there; otherwise a build Job runs (or the one already
// building it is awaited) and the digest is read back from the registry.
func Ensure(ctx context.Context, cs kubernetes.Interface, reg Registry, b Builder, r Request, logf func(string, ...any)) (Result, error) {
	tag := Tag(r)
	ref := r.Image + ":" + tag
	res := Result{Tag: tag}
	digest, found, err := reg.Digest(ctx, ref)
	if err != nil {
		return res, err
	}
	if found {
		logf("%s is in the registry already: nothing to build", ref)
		res.Digest = digest
		return res, nil
	}
	job, err := Job(b, r, tag)
	if err != nil {
		return res, err
	}
	created, err := Start(ctx, cs, job)
	if err != nil {
		return res, fmt.Errorf("starting the build Job: %w", err)
	}
	if created {
		logf("building %s from %s at %s in Job %s/%s", ref, r.Repository, r.Commit, job.Namespace, job.Name)
	} else {
		logf("Job %s/%s is already building %s: waiting for it", job.Namespace, job.Name, ref)
	}
	res.Built = true
	if err := Follow(ctx, cs, job.Namespace, job.Name, logf); err != nil {
		return res, err
	}
	digest, found, err = reg.Digest(ctx, ref)
	if err != nil {
		return res, err
	}
	if !found {
		return res, fmt.Errorf("build Job %s/%s finished, but the registry has no %s: check the push secret's credentials", job.Namespace, job.Name, ref)
	}
	res.Digest = digest
	return res, nil
}
