package console

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/textfix/textfix/bot"
)

// backupTimeout bounds one download: longer than the server's write
// timeout, which would cut a large file short.
const backupTimeout = 30 * time.Minute

// backup serves GET /console/backup: a consistent snapshot of the whole
// store as a download, while texts go on.
func (cn *console) backup(c echo.Context) error {
	if cn.cfg.Backup == nil {
		return echo.NewHTTPError(http.StatusNotFound, "this store has no online backup; back up its database your own way")
	}
	w := c.Response()
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Now().Add(backupTimeout)) // a writer without deadlines keeps none
	h := w.Header()
	h.Set(echo.HeaderContentType, "application/octet-stream")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+bot.BackupName(cn.cfg.Now())+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	n, err := cn.cfg.Backup.Backup(c.Request().Context(), w)
	if err != nil {
		cn.cfg.Log.Error("console backup", "err", err, "bytes", n)
		return nil // the status is sent; a cut-short download fails its check at restore
	}
	cn.cfg.Log.Info("console backup", "bytes", n)
	return nil
}
