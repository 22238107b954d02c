//go:build tools

// Builds helm for MetaChat's chart tests (helm lint, helm template). Never shipped.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
