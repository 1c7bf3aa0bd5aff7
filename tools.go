//go:build tools

// Package miroir pins the modules the packages grow into, so that go mod tidy
// keeps them while packages are still being written. Removed once every
// module is imported by real code.
package miroir

import (
	_ "github.com/anishathalye/porcupine"
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/hashicorp/memberlist"
	_ "github.com/hashicorp/raft"
	_ "github.com/hashicorp/raft-boltdb/v2"
	_ "github.com/labstack/echo/v4"
	_ "github.com/labstack/echo/v4/middleware"
	_ "github.com/meilisearch/meilisearch-go"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/spf13/cobra"
	_ "github.com/zeebo/xxh3"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/sync/errgroup"
)
