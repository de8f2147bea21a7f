package dev.ebpfc.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/// `bench.svg`, hand-written SVG: five panels of grouped bars, one group per program and a last
/// group for the geometric mean, on a logarithmic axis with the 1× line drawn. Bars grow up from
/// 1× when the ratio is above it and down when below, so "slower/larger than the reference" is
/// always up. Missing figures draw no bar and a grey "n/a". See docs/bench.md.
final class BenchChart {
    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f"};
    private static final int LEFT = 70, BAR = 11, GAP = 14, PLOT_HEIGHT = 220, PANEL_HEIGHT = 330, MIN_WIDTH = 640;

    private BenchChart() {
    }

    private record Series(String name, ToDoubleFunction<BenchReport.Program> value) {
    }

    private record Panel(String title, List<Series> series) {
    }

    static String render(BenchReport r) {
        List<Panel> panels = List.of(
                new Panel("Host time per run / clang -O2 (x86_64; lower is better)", List.of(
                        new Series("interpreter", p -> p.times().ratio(p.times().interpNs())),
                        new Series("native -O0 (engine)", p -> p.times().ratio(p.times().nativeO0Ns())),
                        new Series("bare -O2 (code alone)", p -> p.times().ratio(p.times().bareO2Ns())))),
                new Panel("Executed instructions at -O0 / clang -O2, same CPU, Unicorn (lower is better)", perTarget(
                        t -> p -> BenchReport.ratio(p.target(t).insnsO0(), p.target(t).clangInsns()))),
                new Panel("Executed instructions at -O2 / clang -O2, same CPU, Unicorn (goal: 1.15x)", perTarget(
                        t -> p -> BenchReport.ratio(p.target(t).insnsO2(), p.target(t).clangInsns()))),
                new Panel("Executed instructions, -O0 / -O2 (higher = -O2 gains more; goal: 1.5x)", perTarget(
                        t -> p -> BenchReport.ratio(p.target(t).insnsO0(), p.target(t).insnsO2()))),
                new Panel("Code size at -O2 / clang -O2, same CPU (lower is better)", perTarget(
                        t -> p -> BenchReport.ratio(p.target(t).sizeO2(), p.target(t).clangSize()))));
        int groups = r.programs().size() + 1;
        int width = Math.max(MIN_WIDTH, LEFT + groups * (3 * BAR + GAP) + 20);
        int height = panels.size() * PANEL_HEIGHT + 20;
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        for (int i = 0; i < panels.size(); i++) panel(sb, r, panels.get(i), 10 + i * PANEL_HEIGHT);
        return sb.append("</svg>\n").toString();
    }

    private static List<Series> perTarget(java.util.function.Function<String, ToDoubleFunction<BenchReport.Program>> f) {
        List<Series> s = new ArrayList<>();
        for (String t : BenchReport.TARGETS) s.add(new Series(t, f.apply(t)));
        return s;
    }

    private static void panel(StringBuilder sb, BenchReport r, Panel panel, int top) {
        List<String> names = new ArrayList<>();
        for (BenchReport.Program p : r.programs()) names.add(p.name());
        names.add("geomean");
        int groups = names.size(), n = panel.series().size();
        double[][] v = new double[n][groups];
        double lo = 1, hi = 1;
        for (int s = 0; s < n; s++) {
            for (int g = 0; g < groups - 1; g++) v[s][g] = panel.series().get(s).value().applyAsDouble(r.programs().get(g));
            v[s][groups - 1] = r.geomean(panel.series().get(s).value());
            for (double x : v[s]) {
                if (x > 0 && Double.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        int decadeLo = (int) Math.floor(Math.log10(lo)), decadeHi = Math.max(decadeLo + 1, (int) Math.ceil(Math.log10(hi)));
        int plotTop = top + 40;
        java.util.function.DoubleUnaryOperator y = x -> plotTop + PLOT_HEIGHT * (decadeHi - Math.log10(x)) / (decadeHi - decadeLo);
        int right = LEFT + groups * (3 * BAR + GAP);
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n", LEFT, top + 14, escape(panel.title())));
        for (int s = 0; s < n; s++) {
            int lx = LEFT + s * 160;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, top + 21, COLOURS[s], lx + 14, top + 30, escape(panel.series().get(s).name())));
        }
        for (int d = decadeLo; d <= decadeHi; d++) {
            // Each decade's line, and on short axes light lines at 2× and 5× (ratios are often 1–3×).
            for (int m : decadeHi - decadeLo <= 2 ? new int[]{1, 2, 5} : new int[]{1}) {
                if (m > 1 && d == decadeHi) break;
                double value = m * Math.pow(10, d);
                double gy = y.applyAsDouble(value);
                String label = value >= 1 ? String.valueOf((long) value) : String.valueOf(value);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
                        + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%s×</text>%n", LEFT, gy, right, gy,
                        d == 0 && m == 1 ? "#000" : m == 1 ? "#ccc" : "#eee", LEFT - 5, gy + 4, m == 1 ? "#000" : "#888", label));
            }
        }
        double one = y.applyAsDouble(1);
        for (int g = 0; g < groups; g++) {
            int gx = LEFT + g * (3 * BAR + GAP) + GAP / 2;
            for (int s = 0; s < n; s++) {
                double x = v[s][g];
                int bx = gx + s * BAR;
                if (!(x > 0 && Double.isFinite(x))) {
                    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"8\" fill=\"#999\" transform=\"rotate(-90 %d %.1f)\">n/a</text>%n",
                            bx + 8, one - 2, bx + 8, one - 2));
                    continue;
                }
                double by = y.applyAsDouble(x);
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s×</title></rect>%n",
                        bx, Math.min(by, one), BAR - 1, Math.max(0.5, Math.abs(by - one)), COLOURS[s], escape(names.get(g)),
                        escape(panel.series().get(s).name()), BenchReport.fmt(x)));
            }
            double lx = gx + n * BAR / 2.0, ly = plotTop + PLOT_HEIGHT + 12;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" transform=\"rotate(-40 %.1f %.1f)\"%s>%s</text>%n",
                    lx, ly, lx, ly, g == groups - 1 ? " font-weight=\"bold\"" : "", escape(names.get(g))));
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
