package proxy

import (
	"strings"
	"testing"

	"github.com/miroir-search/miroir/store"
)

func TestTaskPayloadIsRebuiltFromOneReplicaPerShard(t *testing.T) {
	// 3 shards; n1 holds 0 and 1, n2 holds 1 and 2, n3 holds 2 and 0.
	topo := &topology{index: store.Index{UID: "books", Shards: 3}, place: &placement{shards: 3, groups: []groupPlacement{
		{id: "g1", owners: [][]string{{"n1", "n3"}, {"n1", "n2"}, {"n2", "n3"}}},
	}}}
	payloads := map[string][]byte{
		"n2": []byte(`{"id":2,"_miroir_shard":1,"_miroir_version":7}` + "\n" + `{"id":3,"_miroir_shard":2}` + "\n"),
		"n3": []byte(`{"id":3,"_miroir_shard":2}` + "\n" + `{"id":1,"_miroir_shard":0,"title":"a"}` + "\n"),
	}
	body, missing, err := mergeTaskPayloads(topo, payloads)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":2}` + "\n" + `{"id":3}` + "\n" + `{"id":1,"title":"a"}` + "\n"
	if string(body) != want || len(missing) != 0 {
		t.Fatalf("payload %q (missing %v), want %q", body, missing, want)
	}
	body, missing, _ = mergeTaskPayloads(topo, map[string][]byte{"n1": payloads["n2"]})
	if strings.Count(string(body), "\n") != 1 || len(missing) != 1 || missing[0] != 2 {
		t.Fatalf("one node left: %q missing %v", body, missing)
	}
}
