package harness

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ModuleRoot returns the directory holding the main module's go.mod.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("harness: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("harness: not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

// Build compiles ./cmd/miroir into dir and returns the binary's path. The
// environment variable MIROIR_BIN, when set, names a prebuilt binary to use
// instead (make chaos builds once for all scenarios); MIROIR_CHAOS_RACE=1
// builds it with the race detector, so races under faults end in the logs.
func Build(dir string) (string, error) {
	if bin := os.Getenv("MIROIR_BIN"); bin != "" {
		return bin, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "miroir")
	args := []string{"build", "-o", bin}
	if os.Getenv("MIROIR_CHAOS_RACE") == "1" {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/miroir")...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("harness: go build ./cmd/miroir: %w\n%s", err, stderr.String())
	}
	return bin, nil
}

// Supports reports whether `binary <subcommand> --help` mentions flag
// (e.g. "--chaos-control"), so scenarios can skip, naming what is missing,
// when the binary under test lacks a hook.
func Supports(binary, subcommand, flag string) bool {
	out, _ := exec.Command(binary, subcommand, "--help").CombinedOutput()
	return bytes.Contains(out, []byte(flag))
}
