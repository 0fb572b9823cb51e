# Image build and push for the services. Docker by default; any builder that takes `docker build` flags works:
#
#   make images                                   # every service that has services/<name>/main.ts
#   make image-random VERSION=dev                 # one service, another tag
#   make images REGISTRY=registry.example.com/ml  # another registry
#   make push                                     # docker push every image
#   make buildx PLATFORMS=linux/amd64,linux/arm64 # multi-arch build and push with docker buildx
#   make images BUILDER="buildah bud --layers" PUSHER="buildah push"   # without a Docker engine
#   make list-images                              # "<service> <image>" per line (read by tests)
#   make kustomize-images REGISTRY=... VERSION=...  # point deploy/katib-config and deploy/standalone at them
#
# The image names here and the ones in deploy/*/kustomization.yaml must agree; test/deploy checks that.

# A placeholder: no images are published there (README). The kustomizations name images by it.
DEFAULT_REGISTRY := ghcr.io/katib-ts
REGISTRY   ?= $(DEFAULT_REGISTRY)
VERSION    ?= v$(shell node -p "require('./package.json').version")
# Baked into each image (no .git there): the service reports it in its log, --version and katib_service_info.
REVISION   ?= $(shell node deploy/image/write-revision.mjs /dev/stdout 2>/dev/null || echo unknown)
BASE_IMAGE ?= node:20-bookworm-slim
BUILDER    ?= docker build
PUSHER     ?= docker push
PLATFORMS  ?= linux/amd64,linux/arm64

# Every service folder with an entry point; early-stopping services are named here, the rest are suggestions.
SERVICES            ?= $(sort $(patsubst services/%/main.ts,%,$(wildcard services/*/main.ts)))
EARLY_STOPPING      := medianstop

# Katib's names: suggestion-<algorithm> and earlystopping-<algorithm>, as its stock images are called.
is_early_stopping    = $(filter $(EARLY_STOPPING),$1)
image_name           = $(if $(call is_early_stopping,$1),earlystopping,suggestion)-$1
image_of             = $(REGISTRY)/$(call image_name,$1):$(VERSION)
# Katib's fixed gRPC ports. The early-stopping container shares the pod's network with a suggestion
# container that serves metrics on 8080, so its own metrics go to 8081.
port_of              = $(if $(call is_early_stopping,$1),6788,6789)
metrics_port_of      = $(if $(call is_early_stopping,$1),8081,8080)
build_args           = --build-arg BASE_IMAGE=$(BASE_IMAGE) --build-arg SERVICE=$1 --build-arg REVISION=$(REVISION) \
                       --build-arg PORT=$(call port_of,$1) --build-arg METRICS_PORT=$(call metrics_port_of,$1)

.PHONY: help images push buildx list-images kustomize-images test-images
.DEFAULT_GOAL := help

help:
	@sed -n '1,13p' Makefile | sed 's/^# \{0,1\}//'

images: $(addprefix image-,$(SERVICES))

image-%:
	$(BUILDER) -f Dockerfile $(call build_args,$*) -t $(call image_of,$*) .

push: $(addprefix push-,$(SERVICES))

push-%:
	$(PUSHER) $(call image_of,$*)

buildx: $(addprefix buildx-,$(SERVICES))

buildx-%:
	docker buildx build --platform $(PLATFORMS) -f Dockerfile $(call build_args,$*) -t $(call image_of,$*) --push .

list-images:
	@$(foreach s,$(SERVICES),echo "$(s) $(call image_of,$(s)) $(call port_of,$(s)) $(call metrics_port_of,$(s))";)

# The kustomize overlays' `images` lists, where GitOps users set the images in one place (needs kustomize).
KUSTOMIZE ?= kustomize
kustomize-images:
	$(foreach d,deploy/katib-config deploy/standalone,cd $(d) && $(foreach s,$(SERVICES),$(KUSTOMIZE) edit set image $(DEFAULT_REGISTRY)/$(call image_name,$(s))=$(call image_of,$(s)) &&) cd $(CURDIR);)

# Builds every image with buildah from a local base and starts each one (needs root; see test/images/run.sh).
test-images:
	bash test/images/run.sh
