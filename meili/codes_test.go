package meili

import (
	"net/http"
	"testing"
)

func TestCodeTablesDoNotOverlap(t *testing.T) {
	for code := range meilisearchCodeTable {
		if _, dup := codeTable[code]; dup {
			t.Errorf("%s is in both code tables", code)
		}
	}
}

func TestErrorfTakesStatusAndTypeFromTheCode(t *testing.T) {
	cases := []struct {
		code   Code
		status int
		typ    ErrorType
	}{
		{CodeIndexNotFound, http.StatusNotFound, TypeInvalidRequest},
		{CodeInvalidSettingsDictionary, http.StatusBadRequest, TypeInvalidRequest},
		{CodeNoSpaceLeftOnDevice, http.StatusUnprocessableEntity, TypeSystem},
		{CodeInvalidAPIKey, http.StatusForbidden, TypeAuth},
		{Code("no_such_code"), http.StatusInternalServerError, TypeInternal},
	}
	for _, c := range cases {
		e := Errorf(c.code, "x %d", 1)
		if e.Status != c.status || e.Type != c.typ || e.Message != "x 1" || StatusOf(c.code) != c.status {
			t.Errorf("Errorf(%s) = %+v", c.code, e)
		}
		if e.Link != "https://docs.meilisearch.com/errors#"+string(c.code) {
			t.Errorf("link %q", e.Link)
		}
	}
}

// The FSM returns these codes as strings in its Apply errors; each must map
// to a client error, not a 500.
func TestFSMDomainCodesHaveClientStatuses(t *testing.T) {
	cases := map[string]int{
		"miroir_group_not_found":           http.StatusNotFound,
		"miroir_group_already_exists":      http.StatusConflict,
		"miroir_invalid_group_state":       http.StatusConflict,
		"miroir_invalid_command":           http.StatusBadRequest,
		"miroir_alias_not_found":           http.StatusNotFound,
		"miroir_alias_conflict":            http.StatusConflict,
		"miroir_settings_version_conflict": http.StatusConflict,
		"miroir_invalid_task_state":        http.StatusConflict,
		"miroir_move_not_found":            http.StatusNotFound,
		"miroir_move_already_exists":       http.StatusConflict,
		"miroir_invalid_move_phase":        http.StatusConflict,
		"miroir_node_not_found":            http.StatusNotFound,
		"miroir_node_already_exists":       http.StatusConflict,
		"miroir_invalid_node_state":        http.StatusConflict,
		"miroir_peer_not_found":            http.StatusNotFound,
	}
	for code, status := range cases {
		if got := StatusOf(Code(code)); got != status {
			t.Errorf("%s: status %d, want %d", code, got, status)
		}
	}
}
