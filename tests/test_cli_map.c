/*
 * test_cli_map: `geoplan map` on the demo workspace, every recipe on the
 * layers evaluate, efficiency and screen write (so a renamed field breaks
 * this test, not a user's map), explicit breaks on the command line, and
 * usage errors.
 */
#define LG_CLI_TEST_NAME "test_cli_map"
#define LG_CLI_DIR_PREFIX "map_"
#include "lg_cli_run.h"

static const char *demo_dir(void)
{
    static char dir[1200];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/map_demo", LIBGEO_TEST_TMP);
    gp_result r;
    gp_run(&r, "demo", "--out", dir, "--scale", "S", "--seed", "1", "--force", NULL);
    assert_exit(&r, 0);
    char in[1300], out[1300], eff[1300];
    snprintf(in, sizeof in, "%s/project.yaml", dir);
    snprintf(out, sizeof out, "%s/evaluation", dir);
    gp_run(&r, "evaluate", in, "--out", out, NULL);
    assert_exit(&r, 0);
    snprintf(eff, sizeof eff, "%s/layers/efficiency/demo.yaml", LIBGEO_SOURCE_DIR);
    snprintf(out, sizeof out, "%s/efficiency", dir);
    gp_run(&r, "efficiency", eff, "--data", dir, "--out", out, NULL);
    assert_exit(&r, 0);
    char sites[1300], control[1300];
    snprintf(sites, sizeof sites, "%s/sites.shp", dir);
    snprintf(control, sizeof control, "%s/control.shp", dir);
    snprintf(out, sizeof out, "%s/screen.gpkg", dir);
    gp_run(&r, "screen", sites, "--control", control, "--out-layer", out, NULL);
    assert_exit(&r, 0);
    return dir;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_recipes(void **state)
{
    (void)state;
    const char *d = demo_dir();
    static const struct {
        const char *recipe, *file, *out;
    } cases[] = {
        {"tax-per-mu-parcel", "efficiency/efficiency.gpkg", "tax_parcel.png"},
        {"tax-per-mu-street", "efficiency/efficiency.gpkg", "tax_street.svg"},
        {"efficiency-class", "efficiency/efficiency.gpkg", "classes.pdf"},
        {"park-coverage", "evaluation/results.gpkg", "parks.png"},
        {"road-density", "evaluation/results.gpkg", "roads.png"},
        {"control-conflicts", "screen.gpkg", "conflicts.png"},
    };
    char streets[1300], control[1300], ov_streets[1400], ov_control[1400];
    snprintf(streets, sizeof streets, "%s/streets.shp", d);
    snprintf(control, sizeof control, "%s/control.shp", d);
    snprintf(ov_streets, sizeof ov_streets, "boundary=%s@name", streets);
    snprintf(ov_control, sizeof ov_control, "control=%s", control);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char src[1400], out[1400];
        snprintf(src, sizeof src, "%s/%s", d, cases[k].file);
        snprintf(out, sizeof out, "%s/%s", d, cases[k].out);
        unlink(out);
        gp_result r;
        gp_run(&r, "map", src, "--recipe", cases[k].recipe, "--out", out, "--overlay",
               ov_streets, "--overlay", ov_control, "--date", "2025-06-30", NULL);
        assert_exit(&r, 0);
        assert_true(file_size(out) > 10000);
        assert_contains(r.err, "classes");
    }
    /* the class map found the efficiency classes; conflicts found both verdicts */
    gp_result r;
    char src[1400], out[1400];
    snprintf(src, sizeof src, "%s/screen.gpkg", d);
    snprintf(out, sizeof out, "%s/conflicts2.svg", d);
    gp_run(&r, "map", src, "--recipe", "control-conflicts", "--out", out, NULL);
    assert_exit(&r, 0);
    assert_contains(r.err, "通过 (");
    assert_contains(r.err, "冲突 (");
}

static void test_breaks_and_errors(void **state)
{
    (void)state;
    const char *d = demo_dir();
    char src[1400], out[1400];
    snprintf(src, sizeof src, "%s/evaluation/results.gpkg:street", d);
    snprintf(out, sizeof out, "%s/density.png", d);
    gp_result r;
    /* explicit breaks: ≤ 6, 6 – 8, > 8 */
    gp_run(&r, "map", src, "--field", "road_density", "--classes", "breaks:6,8", "--out", out,
           "--width-mm", "150", "--height-mm", "100", "--dpi", "96", "--title", "路网密度",
           "--unit", "km/km²", "--labels", "name", NULL);
    assert_exit(&r, 0);
    assert_contains(r.err, "3 classes: ≤ 6 (");
    assert_contains(r.err, "6 – 8 (");
    assert_contains(r.err, "> 8 (");
    /* usage */
    gp_run(&r, "map", src, "--field", "road_density", "--out", "x.gif", NULL);
    assert_exit(&r, 2);
    gp_run(&r, "map", src, "--recipe", "nope", "--out", out, NULL);
    assert_exit(&r, 2);
    gp_run(&r, "map", src, "--field", "road_density", "--classes", "breaks:a", "--out", out,
           NULL);
    assert_exit(&r, 2);
    gp_run(&r, "map", src, "--field", "no_such_field", "--out", out, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_field");
    gp_run(&r, "map", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "tax-per-mu-parcel");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_recipes, free_owned),
        cmocka_unit_test_teardown(test_breaks_and_errors, free_owned),
    };
    return cmocka_run_group_tests(tests, lg_cli_group_setup, lg_cli_group_teardown);
}
