package proxy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// benchSearch posts body to base/indexes/index/search b.N times.
func benchSearch(b *testing.B, base, key, index, body string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, base+"/indexes/"+index+"/search", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			Hits []json.RawMessage `json:"hits"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Hits) == 0 {
			b.Fatal(err, resp.StatusCode)
		}
		resp.Body.Close()
	}
}

// BenchmarkSearchDirect and BenchmarkSearchThroughProxy are a baseline pair
// run in the same process: one engine node holding 3,000 documents, and the
// proxy over 3 nodes (RF=1, 64 shards) holding the same documents.
func BenchmarkSearchDirect(b *testing.B) {
	_, addr := startEngine(b, b.TempDir(), "127.0.0.1:0")
	data, _ := json.Marshal(corpus(3000))
	req, _ := http.NewRequest(http.MethodPost, addr+"/indexes/films/documents?primaryKey=id", strings.NewReader(string(data)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testNodeKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, _ := http.NewRequest(http.MethodGet, addr+"/indexes/films/stats", nil)
		r.Header.Set("Authorization", "Bearer "+testNodeKey)
		resp, err := http.DefaultClient.Do(r)
		if err == nil {
			var st struct {
				N int `json:"numberOfDocuments"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			if st.N == 3000 {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatal("documents not indexed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	benchSearch(b, addr, testNodeKey, "films", `{"q":"film number 12","limit":20}`)
}

func BenchmarkSearchThroughProxy(b *testing.B) {
	tc := startCluster(b, 3, 1, 64)
	tc.succeed(tc.client.Index("films").AddDocuments(context.Background(), corpus(3000), nil))
	benchSearch(b, tc.url, testMasterKey, "films", `{"q":"film number 12","limit":20}`)
}
