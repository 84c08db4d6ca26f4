#define G_LOG_DOMAIN "storm-zcta"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storm-core-resources.h"
#include "storm-error.h"
#include "storm-zcta.h"

#define GAZETTEER_NAME "Gaz_zcta_national.txt"
#define BUNDLED_PATH "/io/github/stormops/StormOps/core/dfw-zcta.tsv"

/* build-aux/extract-dfw-zcta copies the rows this keeps into
 * data/dfw-zcta.tsv: change both together. */
static const StormZctaFilter dfw_filter = {
  .south = 32.55,
  .west = -97.55,
  .north = 33.25,
  .east = -96.50,
  .zip_first = "75000",
  .zip_last = "76299",
};

typedef struct
{
  const char *zip;
  const char *city;
  const char *county;
} ZipTown;

/* The towns of the suburban ZIPs, sorted by ZIP. The 752xx and 753xx ZIPs
 * are Dallas and the other 761xx ones Fort Worth. Names of places are
 * proper nouns: not translated. */
static const ZipTown dfw_towns[] = {
  { "75001", "Addison", "Dallas" },
  { "75002", "Allen", "Collin" },
  { "75006", "Carrollton", "Dallas" },
  { "75007", "Carrollton", "Denton" },
  { "75010", "Carrollton", "Denton" },
  { "75013", "Allen", "Collin" },
  { "75019", "Coppell", "Dallas" },
  { "75022", "Flower Mound", "Denton" },
  { "75023", "Plano", "Collin" },
  { "75024", "Plano", "Collin" },
  { "75025", "Plano", "Collin" },
  { "75028", "Flower Mound", "Denton" },
  { "75034", "Frisco", "Collin" },
  { "75035", "Frisco", "Collin" },
  { "75038", "Irving", "Dallas" },
  { "75039", "Irving", "Dallas" },
  { "75040", "Garland", "Dallas" },
  { "75041", "Garland", "Dallas" },
  { "75042", "Garland", "Dallas" },
  { "75043", "Garland", "Dallas" },
  { "75044", "Garland", "Dallas" },
  { "75048", "Sachse", "Dallas" },
  { "75050", "Grand Prairie", "Dallas" },
  { "75051", "Grand Prairie", "Dallas" },
  { "75052", "Grand Prairie", "Dallas" },
  { "75054", "Grand Prairie", "Tarrant" },
  { "75056", "The Colony", "Denton" },
  { "75057", "Lewisville", "Denton" },
  { "75060", "Irving", "Dallas" },
  { "75061", "Irving", "Dallas" },
  { "75062", "Irving", "Dallas" },
  { "75063", "Irving", "Dallas" },
  { "75065", "Lake Dallas", "Denton" },
  { "75067", "Lewisville", "Denton" },
  { "75068", "Little Elm", "Denton" },
  { "75069", "McKinney", "Collin" },
  { "75070", "McKinney", "Collin" },
  { "75071", "McKinney", "Collin" },
  { "75074", "Plano", "Collin" },
  { "75075", "Plano", "Collin" },
  { "75077", "Lewisville", "Denton" },
  { "75078", "Prosper", "Collin" },
  { "75080", "Richardson", "Dallas" },
  { "75081", "Richardson", "Dallas" },
  { "75082", "Richardson", "Collin" },
  { "75088", "Rowlett", "Dallas" },
  { "75089", "Rowlett", "Dallas" },
  { "75093", "Plano", "Collin" },
  { "75094", "Murphy", "Collin" },
  { "75098", "Wylie", "Collin" },
  { "75104", "Cedar Hill", "Dallas" },
  { "75115", "DeSoto", "Dallas" },
  { "75116", "Duncanville", "Dallas" },
  { "75134", "Lancaster", "Dallas" },
  { "75137", "Duncanville", "Dallas" },
  { "75141", "Hutchins", "Dallas" },
  { "75146", "Lancaster", "Dallas" },
  { "75149", "Mesquite", "Dallas" },
  { "75150", "Mesquite", "Dallas" },
  { "75159", "Seagoville", "Dallas" },
  { "75172", "Wilmer", "Dallas" },
  { "75180", "Mesquite", "Dallas" },
  { "75181", "Mesquite", "Dallas" },
  { "75182", "Sunnyvale", "Dallas" },
  { "76001", "Arlington", "Tarrant" },
  { "76002", "Arlington", "Tarrant" },
  { "76006", "Arlington", "Tarrant" },
  { "76010", "Arlington", "Tarrant" },
  { "76011", "Arlington", "Tarrant" },
  { "76012", "Arlington", "Tarrant" },
  { "76013", "Arlington", "Tarrant" },
  { "76014", "Arlington", "Tarrant" },
  { "76015", "Arlington", "Tarrant" },
  { "76016", "Arlington", "Tarrant" },
  { "76017", "Arlington", "Tarrant" },
  { "76018", "Arlington", "Tarrant" },
  { "76021", "Bedford", "Tarrant" },
  { "76022", "Bedford", "Tarrant" },
  { "76034", "Colleyville", "Tarrant" },
  { "76036", "Crowley", "Tarrant" },
  { "76039", "Euless", "Tarrant" },
  { "76040", "Euless", "Tarrant" },
  { "76051", "Grapevine", "Tarrant" },
  { "76052", "Haslet", "Tarrant" },
  { "76053", "Hurst", "Tarrant" },
  { "76054", "Hurst", "Tarrant" },
  { "76060", "Kennedale", "Tarrant" },
  { "76063", "Mansfield", "Tarrant" },
  { "76071", "Newark", "Wise" },
  { "76078", "Rhome", "Wise" },
  { "76092", "Southlake", "Tarrant" },
  { "76148", "Watauga", "Tarrant" },
  { "76180", "North Richland Hills", "Tarrant" },
  { "76182", "North Richland Hills", "Tarrant" },
  { "76201", "Denton", "Denton" },
  { "76205", "Denton", "Denton" },
  { "76207", "Denton", "Denton" },
  { "76208", "Denton", "Denton" },
  { "76209", "Denton", "Denton" },
  { "76210", "Denton", "Denton" },
  { "76226", "Argyle", "Denton" },
  { "76244", "Keller", "Tarrant" },
  { "76247", "Justin", "Denton" },
  { "76248", "Keller", "Tarrant" },
  { "76259", "Ponder", "Denton" },
  { "76262", "Roanoke", "Denton" },
};

static const ZipTown fort_worth = { NULL, "Fort Worth", "Tarrant" };
static const ZipTown dallas = { NULL, "Dallas", "Dallas" };

static int
compare_town (const void *key,
              const void *item)
{
  return strcmp (key, ((const ZipTown *) item)->zip);
}

static const ZipTown *
lookup_town (const char *zip)
{
  const ZipTown *town;

  g_return_val_if_fail (zip != NULL, &dallas);

  town = bsearch (zip, dfw_towns, G_N_ELEMENTS (dfw_towns), sizeof dfw_towns[0], compare_town);
  if (town != NULL)
    return town;
  if (g_str_has_prefix (zip, "761"))
    return &fort_worth;
  return &dallas;
}

const char *
storm_zcta_dfw_city (const char *zip)
{
  return lookup_town (zip)->city;
}

const char *
storm_zcta_dfw_county (const char *zip)
{
  return lookup_town (zip)->county;
}

const StormZctaFilter *
storm_zcta_dfw_filter (void)
{
  return &dfw_filter;
}

GBytes *
storm_zcta_dfw_bundled (void)
{
  GBytes *bytes = g_resource_lookup_data (storm_core_get_resource (), BUNDLED_PATH,
                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  /* compiled in by src/core/meson.build: its absence is a build error */
  g_assert (bytes != NULL);
  return bytes;
}

enum { COL_GEOID, COL_LAND, COL_LON, COL_LAT, N_COLS };

static const char * const column_names[N_COLS] = {
  [COL_GEOID] = "GEOID",
  [COL_LAND] = "ALAND_SQMI",
  [COL_LON] = "INTPTLONG",
  [COL_LAT] = "INTPTLAT",
};

/* Splits one line (without its end) on tabs, trimming each field. */
static GStrv
split_line (const char *line,
            gsize       length)
{
  g_autofree char *copy = g_strndup (line, length);
  char **fields = g_strsplit (copy, "\t", -1);

  for (char **f = fields; *f != NULL; f++)
    g_strstrip (*f);
  return fields;
}

static gboolean
parse_number (const char  *text,
              double      *value)
{
  char *end = NULL;

  if (text[0] == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*value);
}

static int
compare_zcta (gconstpointer a,
              gconstpointer b)
{
  return strcmp (((const StormZcta *) a)->zip, ((const StormZcta *) b)->zip);
}

static gboolean
is_zip (const char *text)
{
  if (strlen (text) != 5)
    return FALSE;
  for (int i = 0; i < 5; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

GArray *
storm_zcta_parse (const char             *text,
                  gsize                   length,
                  const char             *name,
                  const StormZctaFilter  *filter,
                  GError                **error)
{
  g_autoptr(GArray) zctas = g_array_new (FALSE, TRUE, sizeof (StormZcta));
  int columns[N_COLS];
  const char *p = text, *end = text + length;
  guint line_no = 0;
  gboolean have_header = FALSE;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (filter != NULL, NULL);

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      gsize n = (eol != NULL ? eol : end) - p;
      g_auto(GStrv) fields = NULL;
      guint n_fields;
      StormZcta zcta = { { 0 } };
      double values[N_COLS];

      line_no++;
      fields = split_line (p, n);
      p = eol != NULL ? eol + 1 : end;
      n_fields = g_strv_length (fields);

      if (!have_header)
        {
          for (int c = 0; c < N_COLS; c++)
            {
              columns[c] = -1;
              for (guint i = 0; i < n_fields; i++)
                if (strcmp (fields[i], column_names[c]) == 0)
                  columns[c] = i;
              if (columns[c] < 0)
                {
                  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                               _("%s:%u: there is no column “%s”; this is not a Census ZCTA gazetteer file"),
                               name, line_no, column_names[c]);
                  return NULL;
                }
            }
          have_header = TRUE;
          continue;
        }

      /* the file ends with a row of empty fields */
      if (n_fields <= (guint) columns[COL_GEOID] || fields[columns[COL_GEOID]][0] == '\0')
        continue;
      for (int c = 0; c < N_COLS; c++)
        {
          const char *field = (guint) columns[c] < n_fields ? fields[columns[c]] : "";

          if (c == COL_GEOID)
            {
              if (!is_zip (field))
                {
                  g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                               _("%s:%u: field “%s”: “%s” is not a five-digit ZIP code"),
                               name, line_no, column_names[c], field);
                  return NULL;
                }
              memcpy (zcta.zip, field, 6);
            }
          else if (!parse_number (field, &values[c]))
            {
              g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                           _("%s:%u: field “%s”: “%s” is not a number"),
                           name, line_no, column_names[c], field);
              return NULL;
            }
        }
      zcta.lat = values[COL_LAT];
      zcta.lon = values[COL_LON];
      zcta.land_sqmi = values[COL_LAND];
      if (zcta.lat < -90 || zcta.lat > 90 || zcta.lon < -180 || zcta.lon > 180)
        {
          g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                       _("%s:%u: the point %s, %s is not a latitude and longitude"),
                       name, line_no, fields[columns[COL_LAT]], fields[columns[COL_LON]]);
          return NULL;
        }

      if (zcta.lat >= filter->south && zcta.lat <= filter->north &&
          zcta.lon >= filter->west && zcta.lon <= filter->east &&
          (filter->zip_first == NULL || strcmp (zcta.zip, filter->zip_first) >= 0) &&
          (filter->zip_last == NULL || strcmp (zcta.zip, filter->zip_last) <= 0))
        g_array_append_val (zctas, zcta);
    }

  if (!have_header)
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_PARSE,
                   _("%s is empty; it should be a Census ZCTA gazetteer file"), name);
      return NULL;
    }
  g_array_sort (zctas, compare_zcta);
  return g_steal_pointer (&zctas);
}

GArray *
storm_zcta_load_dfw (const char  *path,
                     char       **source,
                     GError     **error)
{
  g_autofree char *found = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bundled = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *shared = g_getenv ("STORMOPS_SHARED_DATA");
  GArray *zctas;
  gsize length = 0;

  if (path == NULL && shared != NULL && shared[0] != '\0')
    {
      found = g_build_filename (shared, "zcta", GAZETTEER_NAME, NULL);
      if (g_file_test (found, G_FILE_TEST_IS_REGULAR))
        path = found;
    }

  if (path == NULL)
    {
      bundled = storm_zcta_dfw_bundled ();
      zctas = storm_zcta_parse (g_bytes_get_data (bundled, NULL), g_bytes_get_size (bundled),
                                "dfw-zcta.tsv", &dfw_filter, error);
      if (zctas != NULL && source != NULL)
        *source = g_strdup ("resource://" BUNDLED_PATH);
      return zctas;
    }

  name = g_filename_display_basename (path);
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, STORM_ERROR, STORM_ERROR_NOT_FOUND,
                   _("Cannot read the ZIP code gazetteer: %s"), local_error->message);
      return NULL;
    }
  zctas = storm_zcta_parse (contents, length, name, &dfw_filter, error);
  if (zctas != NULL && source != NULL)
    *source = g_strdup (path);
  return zctas;
}
