package admin

import (
	"strings"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// NodeState is a node's lifecycle state (DESIGN §3).
type NodeState string

// Node states. Transitions: joining -> active -> draining -> removed, and
// active <-> failed.
const (
	NodeJoining  NodeState = "joining"
	NodeActive   NodeState = "active"
	NodeDraining NodeState = "draining"
	NodeFailed   NodeState = "failed"
	NodeRemoved  NodeState = "removed"
)

// Node is the admin API's view of one registered node.
type Node struct {
	ID      string    `json:"id"`
	Address string    `json:"address"`
	Group   string    `json:"replicaGroup"`
	State   NodeState `json:"state"`
	Since   time.Time `json:"since"`
}

// NodeSpec is the body of POST /_miroir/nodes. An empty replica group
// means DefaultGroup.
type NodeSpec struct {
	ID      string `json:"id"`
	Address string `json:"address"`
	Group   string `json:"replicaGroup"`
}

// DefaultGroup is the replica group of a node registered without one.
const DefaultGroup = "0"

const maxNodeIDLen = 64

// validate checks a node registration before it reaches raft.
func (n NodeSpec) validate() error {
	switch {
	case n.ID == "":
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`id` is required: give the node a unique id such as \"node-1\"")
	case !validID(n.ID):
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`id` %q is invalid: use 1-%d characters among letters, digits, '-', '_' and '.'", n.ID, maxNodeIDLen)
	case n.Address == "":
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`address` is required: the node's base URL, e.g. \"http://10.0.0.5:7700\"")
	case !strings.HasPrefix(n.Address, "http://") && !strings.HasPrefix(n.Address, "https://"):
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`address` %q must be an http:// or https:// URL", n.Address)
	case !validID(n.Group):
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`replicaGroup` %q is invalid: use 1-%d characters among letters, digits, '-', '_' and '.'", n.Group, maxNodeIDLen)
	}
	return nil
}

// validID accepts ids that are safe in URLs, logs and metrics labels.
func validID(id string) bool {
	return id != "" && len(id) <= maxNodeIDLen &&
		strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == ""
}
