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
