package meili

import "testing"

func TestParseByteSizeReadsMeilisearchUnits(t *testing.T) {
	for in, want := range map[string]int{
		"200": 200, "200B": 200, "200b": 200, " 3 KB ": 3000, "1MB": 1_000_000, "1mb": 1_000_000,
		"1MiB": 1 << 20, "1mib": 1 << 20, "2GiB": 2 << 30, "1.5KB": 1500, "1TB": 1_000_000_000_000,
	} {
		got, err := ParseByteSize(in)
		if err != nil || got != want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1MB", "1 XB", "0", "0.5B", "1MBB"} {
		if n, err := ParseByteSize(in); err == nil {
			t.Errorf("ParseByteSize(%q) = %d, want an error", in, n)
		}
	}
}
