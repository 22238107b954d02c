//go:build tools

// Package tools pins nats-server, which this module builds for MetaChat's
// test environment (JetStream 2.10+ features are needed; Debian has 2.9).
package tools

import _ "github.com/nats-io/nats-server/v2/server"
