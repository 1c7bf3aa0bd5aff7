package engine

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// getTaskDocuments serves the experimental GET /tasks/{uid}/documents: the
// documents of a document task, as NDJSON, while its payload exists (until
// the task finishes), as in Meilisearch.
func (s *Server) getTaskDocuments(c echo.Context) error {
	if !s.features()["getTaskDocumentsRoute"] {
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Using `GET /tasks/{taskUid}/documents` requires enabling the `get task documents route` experimental feature. See https://github.com/orgs/meilisearch/discussions/808")
	}
	uid, err := strconv.ParseUint(c.Param("taskUid"), 10, 32)
	if err != nil {
		return reqErr(meili.CodeInvalidTaskUIDs, "Invalid value in parameter `taskUid`: could not parse `%s` as a positive integer", c.Param("taskUid"))
	}
	t, ok := s.q.get(uid)
	if !ok || !grantOf(c).allowsTask(&t) {
		return meili.Errorf(meili.CodeTaskNotFound, "Task `%d` not found.", uid)
	}
	var p payload
	if t.finished() || s.st.payload(uid, &p) != nil {
		return withStatus(http.StatusNotFound, "task_file_not_found", "The payload of task `%d` is not available anymore: it is dropped when the task finishes.", uid)
	}
	var b bytes.Buffer
	for _, d := range p.Documents {
		b.Write(d)
		b.WriteByte('\n')
	}
	return c.Blob(http.StatusOK, "application/x-ndjson", b.Bytes())
}
