// Runs Argo CD health checks (gopher-lua, as Argo CD does) for MetaChat's tests. Never shipped.
module metachat.dev/testenv/lua-health

go 1.25.0

require github.com/yuin/gopher-lua v1.1.1
