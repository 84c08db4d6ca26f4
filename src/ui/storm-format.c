#define G_LOG_DOMAIN "storm-format"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "storm-format.h"

/* @digits with a separator every three from the right. */
static char *
group_digits (const char *digits,
              const char *separator)
{
  gsize len = strlen (digits);
  GString *s = g_string_sized_new (len + len / 3);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && digits[i - 1] != '-' && (len - i) % 3 == 0)
        g_string_append (s, separator);
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

static const char *
thousands_separator (void)
{
  const char *separator = localeconv ()->thousands_sep;

  /* The C locale groups nothing; the English comma stands in there. */
  return separator != NULL && separator[0] != '\0' ? separator : ",";
}

/* A whole number grouped the locale's way: "20,000". */
char *
storm_format_count (gint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, n);

  return group_digits (digits, thousands_separator ());
}

/* A property value in whole US dollars: "$245,000". */
char *
storm_format_dollars (double amount)
{
  g_autofree char *digits = g_strdup_printf ("%.0f", round (amount));
  g_autofree char *grouped = group_digits (digits, thousands_separator ());

  /* Translators: an amount in US dollars; %s is the grouped number */
  return g_strdup_printf (_("$%s"), grouped);
}
