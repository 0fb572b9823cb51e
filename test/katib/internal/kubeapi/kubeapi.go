// Package kubeapi is a stand-in for the Kubernetes API server's Trial endpoints in one namespace, reached
// through a kubeconfig file as a pod's client reaches a cluster: GET of a Trial, and PUT or merge-PATCH of its
// status subresource with the API server's resourceVersion check. Whatever a client writes is decoded strictly
// into Katib's Trial type, so a field Katib does not know fails the write, as the CRD's schema would.
package kubeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	trialsv1beta1 "github.com/kubeflow/katib/pkg/apis/controller/trials/v1beta1"
)

var trialPath = regexp.MustCompile(`^/apis/kubeflow\.org/v1beta1/namespaces/([^/]+)/trials/([^/]+?)(/status)?$`)

// Write is one status write a client made.
type Write struct {
	Method string
	Trial  string
}

// Server holds Trials in one namespace.
type Server struct {
	Namespace string
	// Kubeconfig is the path of a kubeconfig file whose current context points at this server.
	Kubeconfig string

	mu     sync.Mutex
	trials map[string]*trialsv1beta1.Trial
	writes []Write
}

// Start serves the namespace's Trials on 127.0.0.1 until the test ends.
func Start(t testing.TB, namespace string) *Server {
	t.Helper()
	server := &Server{Namespace: namespace, trials: map[string]*trialsv1beta1.Trial{}}
	httpServer := httptest.NewServer(http.HandlerFunc(server.serve))
	t.Cleanup(httpServer.Close)
	server.Kubeconfig = filepath.Join(t.TempDir(), "kubeconfig")
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: stand-in
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: suggestion
  user:
    token: stand-in-token
contexts:
- name: stand-in
  context: {cluster: stand-in, user: suggestion, namespace: %s}
current-context: stand-in
`, httpServer.URL, namespace)
	if err := os.WriteFile(server.Kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return server
}

// Put stores a Trial as the experiment controller creates or the trial controller updates it.
func (s *Server) Put(trial *trialsv1beta1.Trial) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := trial.DeepCopy()
	version := 1
	if existing, ok := s.trials[trial.Name]; ok {
		current, _ := strconv.Atoi(existing.ResourceVersion)
		version = current + 1
	}
	stored.ResourceVersion = strconv.Itoa(version)
	stored.APIVersion, stored.Kind = trialsv1beta1.SchemeGroupVersion.String(), "Trial"
	stored.Namespace = s.Namespace
	s.trials[trial.Name] = stored
}

// Get is the stored Trial, or nil.
func (s *Server) Get(name string) *trialsv1beta1.Trial {
	s.mu.Lock()
	defer s.mu.Unlock()
	if trial, ok := s.trials[name]; ok {
		return trial.DeepCopy()
	}
	return nil
}

// Writes are the status writes clients made, in order.
func (s *Server) Writes() []Write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Write(nil), s.writes...)
}

func (s *Server) serve(response http.ResponseWriter, request *http.Request) {
	match := trialPath.FindStringSubmatch(request.URL.Path)
	if match == nil {
		fail(response, http.StatusNotFound, "NotFound", "the server could not find the requested resource "+request.URL.Path)
		return
	}
	namespace, name, status := match[1], match[2], match[3] != ""
	s.mu.Lock()
	defer s.mu.Unlock()
	current, ok := s.trials[name]
	if !ok || namespace != s.Namespace {
		fail(response, http.StatusNotFound, "NotFound", fmt.Sprintf("trials.kubeflow.org %q not found", name))
		return
	}
	switch {
	case request.Method == http.MethodGet && !status:
		reply(response, current)
	case status && (request.Method == http.MethodPut || request.Method == http.MethodPatch):
		body, err := io.ReadAll(request.Body)
		if err != nil {
			fail(response, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		sent, err := decodeTrial(body, request.Method, current)
		if err != nil {
			fail(response, http.StatusUnprocessableEntity, "Invalid", "the body is not a Katib Trial: "+err.Error())
			return
		}
		if sent.ResourceVersion != "" && sent.ResourceVersion != current.ResourceVersion {
			fail(response, http.StatusConflict, "Conflict", fmt.Sprintf("Operation cannot be fulfilled on trials.kubeflow.org %q: the object has been modified", name))
			return
		}
		if request.Method == http.MethodPut && sent.ResourceVersion == "" {
			fail(response, http.StatusUnprocessableEntity, "Invalid", "metadata.resourceVersion: must be specified for an update")
			return
		}
		// The status subresource changes the status and nothing else.
		updated := current.DeepCopy()
		updated.Status = sent.Status
		version, _ := strconv.Atoi(current.ResourceVersion)
		updated.ResourceVersion = strconv.Itoa(version + 1)
		s.trials[name] = updated
		s.writes = append(s.writes, Write{Method: request.Method, Trial: name})
		reply(response, updated)
	default:
		fail(response, http.StatusMethodNotAllowed, "MethodNotAllowed", request.Method+" "+request.URL.Path+" is not served by this stand-in")
	}
}

// decodeTrial reads a written Trial strictly; a merge patch is applied to the current Trial first.
func decodeTrial(body []byte, method string, current *trialsv1beta1.Trial) (*trialsv1beta1.Trial, error) {
	if method == http.MethodPatch {
		merged, err := mergePatch(current, body)
		if err != nil {
			return nil, err
		}
		body = merged
	}
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.DisallowUnknownFields()
	trial := &trialsv1beta1.Trial{}
	if err := decoder.Decode(trial); err != nil {
		return nil, err
	}
	return trial, nil
}

// mergePatch applies a JSON merge patch (RFC 7386) to the Trial.
func mergePatch(current *trialsv1beta1.Trial, patch []byte) ([]byte, error) {
	original, err := json.Marshal(current)
	if err != nil {
		return nil, err
	}
	var target, change any
	if err := json.Unmarshal(original, &target); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &change); err != nil {
		return nil, err
	}
	return json.Marshal(merge(target, change))
}

func merge(target, change any) any {
	changes, isObject := change.(map[string]any)
	if !isObject {
		return change
	}
	targets, targetIsObject := target.(map[string]any)
	if !targetIsObject {
		targets = map[string]any{}
	}
	for key, value := range changes {
		if value == nil {
			delete(targets, key)
		} else {
			targets[key] = merge(targets[key], value)
		}
	}
	return targets
}

func reply(response http.ResponseWriter, body any) {
	response.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(response).Encode(body)
}

func fail(response http.ResponseWriter, code int, reason, message string) {
	response.Header().Set("Content-Type", "application/json")
	response.WriteHeader(code)
	_ = json.NewEncoder(response).Encode(metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		Status:   metav1.StatusFailure, Reason: metav1.StatusReason(reason), Message: message, Code: int32(code),
	})
}
