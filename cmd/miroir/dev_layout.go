package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/store"
)

// devPeers is the number of peers of the dev cluster.
const devPeers = 3

// Dev topology defaults and bounds.
const (
	devDefaultGroups = 1
	devDefaultRF     = 2
	devDefaultNodes  = 3
	devMaxGroups     = 5
	devMaxNodes      = 9
	// legacyDevRF is the RF of the group created by dev clusters whose
	// dev.json predates the topology fields (they used serve's default).
	legacyDevRF = 1
)

// devLayout is what `miroir dev` persists in <data-dir>/dev.json, so that a
// restarted dev cluster finds its peers at the same addresses (raft keeps
// them in its configuration), keeps its keys and its topology.
type devLayout struct {
	AdminKey   string `json:"adminKey"`
	ClusterKey string `json:"clusterKey"`
	NodeKey    string `json:"nodeKey"`
	MasterKey  string `json:"masterKey,omitempty"`
	// ReplicaGroups, RF and NodesPerGroup are fixed when the layout is
	// created: the groups are committed in raft with their RF.
	ReplicaGroups int `json:"replicaGroups,omitempty"`
	RF            int `json:"rf,omitempty"`
	NodesPerGroup int `json:"nodesPerGroup,omitempty"`
	// Shards is the shard count of new indexes; it may change between runs.
	Shards int       `json:"shards,omitempty"`
	Peers  []devPeer `json:"peers"`
	Nodes  []devNode `json:"nodes"`
}

// devNode is one embedded engine node of the dev cluster.
type devNode struct {
	ID       string `json:"id"`
	HTTPAddr string `json:"httpAddr"`
	// Group is the node's replica group; "" (older layouts) is group "0".
	Group string `json:"group,omitempty"`
}

type devPeer struct {
	ID         string `json:"id"`
	HTTPAddr   string `json:"httpAddr"`
	RaftAddr   string `json:"raftAddr"`
	GossipAddr string `json:"gossipAddr"`
}

// devTopology is what the command line asks for; set reports which flags
// were given explicitly (a resumed cluster keeps its own topology and
// refuses explicit flags that contradict it).
type devTopology struct {
	groups, rf, nodes, shards int
	set                       func(flag string) bool
}

func (t devTopology) validate() error {
	var errs []error
	if t.groups < 1 || t.groups > devMaxGroups {
		errs = append(errs, fmt.Errorf("--replica-groups must be 1 to %d, got %d", devMaxGroups, t.groups))
	}
	if t.nodes < 1 || t.nodes > devMaxNodes {
		errs = append(errs, fmt.Errorf("--nodes (engine nodes per replica group) must be 1 to %d, got %d", devMaxNodes, t.nodes))
	}
	if t.rf < 1 || t.rf > 3 || t.rf > t.nodes {
		errs = append(errs, fmt.Errorf("--rf (replicas of each shard in a group) must be 1 to 3 and at most --nodes (%d), got %d", t.nodes, t.rf))
	}
	if t.shards < 1 || t.shards > store.MaxShards {
		errs = append(errs, fmt.Errorf("--shards must be 1 to %d, got %d", store.MaxShards, t.shards))
	}
	return errors.Join(errs...)
}

// loadDevLayout reads <dir>/dev.json, or creates it with fresh keys and
// ports (HTTP 7700..7702 when free). Given admin and master keys win and
// are saved; missing ones (older layouts) are generated and saved.
func loadDevLayout(dir string, o devOptions) (devLayout, error) {
	path := filepath.Join(dir, "dev.json")
	var l devLayout
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &l); err != nil || len(l.Peers) != devPeers {
			return l, fmt.Errorf("%s is damaged (%v); remove %s to start a fresh dev cluster", path, err, dir)
		}
		if err := resumeTopology(&l, o.topology, dir); err != nil {
			return l, err
		}
	case errors.Is(err, os.ErrNotExist):
		if l, err = newDevLayout(o.randomPorts); err != nil {
			return l, err
		}
		l.ReplicaGroups, l.RF, l.NodesPerGroup, l.Shards = o.topology.groups, o.topology.rf, o.topology.nodes, o.topology.shards
	default:
		return l, err
	}
	if err := completeDevLayout(&l, o.randomPorts); err != nil {
		return l, err
	}
	if o.adminKey != "" {
		l.AdminKey = o.adminKey
	}
	if o.masterKey != "" {
		l.MasterKey = o.masterKey
	}
	if l.MasterKey == "" {
		l.MasterKey = randomKey()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return l, err
	}
	out, _ := json.MarshalIndent(l, "", "  ")
	return l, os.WriteFile(path, append(out, '\n'), 0o600)
}

// resumeTopology fills in the topology of an older layout (one group of
// the nodes it has, RF 1 as those runs committed) and checks explicit
// flags against the saved topology. Only --shards may change.
func resumeTopology(l *devLayout, t devTopology, dir string) error {
	if l.ReplicaGroups == 0 {
		l.ReplicaGroups, l.RF, l.NodesPerGroup = 1, legacyDevRF, max(len(l.Nodes), devDefaultNodes)
	}
	if l.Shards == 0 {
		l.Shards = store.DefaultShards
	}
	if t.set("shards") {
		l.Shards = t.shards
	}
	for _, c := range []struct {
		flag       string
		saved, got int
	}{{"replica-groups", l.ReplicaGroups, t.groups}, {"rf", l.RF, t.rf}, {"nodes", l.NodesPerGroup, t.nodes}} {
		if t.set(c.flag) && c.saved != c.got {
			return usageError{fmt.Errorf("the dev cluster in %s was created with --%s %d; remove %s to start one with %d", dir, c.flag, c.saved, dir, c.got)}
		}
	}
	return nil
}

func newDevLayout(randomPorts bool) (devLayout, error) {
	l := devLayout{AdminKey: randomKey(), ClusterKey: randomKey()}
	for i := range devPeers {
		httpAddr := preferredAddr(7700+i, randomPorts)
		raft, gossip := freeAddr(), freeAddr()
		if httpAddr == "" || raft == "" || gossip == "" {
			return l, errors.New("cannot find free loopback ports")
		}
		l.Peers = append(l.Peers, devPeer{ID: "peer" + strconv.Itoa(i+1), HTTPAddr: httpAddr, RaftAddr: raft, GossipAddr: gossip})
	}
	return l, nil
}

// completeDevLayout adds what older layouts lack: the node key, the
// engine nodes (HTTP 7800.. when free) and their groups. Node i (from 0)
// is in group i / NodesPerGroup.
func completeDevLayout(l *devLayout, randomPorts bool) error {
	if l.NodeKey == "" {
		l.NodeKey = randomKey()
	}
	for i := range l.Nodes {
		if l.Nodes[i].Group == "" {
			l.Nodes[i].Group = admin.DefaultGroup
		}
	}
	for i := len(l.Nodes); i < l.ReplicaGroups*l.NodesPerGroup; i++ {
		addr := preferredAddr(7800+i, randomPorts)
		if addr == "" {
			return errors.New("cannot find free loopback ports")
		}
		l.Nodes = append(l.Nodes, devNode{ID: "node" + strconv.Itoa(i+1), HTTPAddr: addr, Group: strconv.Itoa(i / l.NodesPerGroup)})
	}
	return nil
}

// groupNodes lists the node ids of each group, in group order.
func (l devLayout) groupNodes() (groups []string, nodes map[string][]string) {
	nodes = map[string][]string{}
	for _, n := range l.Nodes {
		if _, ok := nodes[n.Group]; !ok {
			groups = append(groups, n.Group)
		}
		nodes[n.Group] = append(nodes[n.Group], n.ID)
	}
	return groups, nodes
}
