#define G_LOG_DOMAIN "storm-capture"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "storm-capture.h"
#include "storm-error.h"

/* Renders @widget as it is now, offscreen, with its own window's
 * renderer, and writes it to @path as PNG. Used by --screenshot and the
 * UI test to look at the window without a desktop. */
typedef struct
{
  GtkWidget     *widget;
  GskRenderNode *node;
  gboolean       done;
} Grab;

/* Right after a frame was painted the widget's render node is the one
 * just drawn; at any other time something (a blinking cursor, a
 * spinner) may have thrown it away to be redrawn. */
static void
after_paint_cb (GdkFrameClock *clock,
                Grab          *grab)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;

  if (grab->done)
    return;
  paintable = gtk_widget_paintable_new (grab->widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (grab->widget), gtk_widget_get_height (grab->widget));
  grab->node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  grab->done = TRUE;
}

static gboolean
give_up_cb (gpointer data)
{
  Grab *grab = data;

  grab->done = TRUE;
  return G_SOURCE_CONTINUE;
}

/* Renders @widget as it was last drawn (or at its next frame), offscreen, with its own
 * window's renderer, and writes it to @path as PNG. Used by --screenshot
 * and the UI tests to look at the window without a desktop. */
gboolean
storm_capture_widget_png (GtkWidget   *widget,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GdkFrameClock *clock;
  GtkNative *native;
  GskRenderer *renderer;
  Grab grab = { widget, NULL, FALSE };
  gulong id;
  int width, height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  native = gtk_widget_get_native (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  clock = gtk_widget_get_frame_clock (widget);
  if (native == NULL || (renderer = gtk_native_get_renderer (native)) == NULL || clock == NULL ||
      !gtk_widget_get_mapped (widget) || width <= 0 || height <= 0)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED,
                   _("The window is not shown yet, so there is nothing to capture."));
      return FALSE;
    }

  /* Called right after a frame (as --screenshot does), the picture is
   * there to take; otherwise wait for the next frame. */
  after_paint_cb (clock, &grab);
  if (grab.node == NULL)
    {
      guint timeout;

      /* Bounded: inside a frame's own painting no next frame comes. */
      grab.done = FALSE;
      id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &grab);
      timeout = g_timeout_add_seconds (5, give_up_cb, &grab);
      gtk_widget_queue_draw (widget);
      while (!grab.done)
        g_main_context_iteration (NULL, TRUE);
      g_signal_handler_disconnect (clock, id);
      g_clear_handle_id (&timeout, g_source_remove);
    }
  node = grab.node;
  if (node == NULL)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED, _("The window drew nothing."));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_FAILED, _("Cannot write the screenshot to “%s”."), path);
      return FALSE;
    }
  return TRUE;
}

/* Resident memory of this process in KiB, from /proc; -1 when unknown. */
gint64
storm_capture_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}
