package dev.lattice.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The ratios to raw H2 as an SVG bar chart, written by hand (no plotting library): one panel per
 * thread count, a group of bars per workload, a bar per Lattice configuration, with lines at 1.0
 * (raw H2) and at the 0.8 and 0.5 targets.
 */
final class RatioChart {

    private static final String[] COLOURS = {
        "#7f7f7f", "#1f77b4", "#2ca02c", "#17becf", "#bcbd22", "#d62728", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#393b79", "#637939",
    };
    private static final int WIDTH = 1000;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int PANEL = 230;
    private static final int PANEL_GAP = 46;
    private static final int TOP = 86;
    /** Taller bars are cut at this ratio and labelled with their value, so outliers do not flatten the rest. */
    private static final double AXIS_MAX = 2.0;

    private RatioChart() {
    }

    static String svg(Report report, String cores) {
        List<Cell> cells = report.cells();
        List<String> workloads = new ArrayList<>(new LinkedHashSet<>(cells.stream().map(Cell::workload).toList()));
        List<String> targets = new ArrayList<>(new LinkedHashSet<>(cells.stream().map(Cell::target).toList()));
        targets.remove(Targets.BASELINE);
        List<Integer> threads = new ArrayList<>(report.threadCounts());
        double max = 1.2;
        for (Cell c : cells) {
            double r = report.ratio(c);
            if (!Double.isNaN(r)) {
                max = Math.max(max, r);
            }
        }
        max = Math.min(AXIS_MAX, Math.ceil(max / 0.2) * 0.2);
        int height = TOP + threads.size() * (PANEL + PANEL_GAP) + 10;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(text(LEFT, 20, 15, "start", "Lattice throughput as a ratio to raw H2 in the same run ("
                + cores + ")"));
        // legend
        int lx = LEFT;
        int ly = 44;
        for (int i = 0; i < targets.size(); i++) {
            String colour = COLOURS[i % COLOURS.length];
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
                    lx, ly - 9, colour));
            s.append(text(lx + 14, ly, 11, "start", targets.get(i)));
            lx += 20 + 7 * targets.get(i).length();
            if (lx > WIDTH - 120) {
                lx = LEFT;
                ly += 16;
            }
        }
        double plotWidth = WIDTH - LEFT - RIGHT;
        double groupWidth = plotWidth / Math.max(1, workloads.size());
        double barWidth = (groupWidth - 14) / Math.max(1, targets.size());
        for (int p = 0; p < threads.size(); p++) {
            int top = TOP + p * (PANEL + PANEL_GAP);
            int bottom = top + PANEL;
            int t = threads.get(p);
            s.append(text(LEFT, top - 8, 12, "start", t + (t == 1 ? " client thread" : " client threads")));
            for (double y = 0; y <= max + 1e-9; y += 0.2) {
                double py = bottom - y / max * PANEL;
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eeeeee\"/>%n",
                        LEFT, WIDTH - RIGHT, py, py));
                s.append(text(LEFT - 6, py + 4, 10, "end", String.format(Locale.ROOT, "%.1f", y)));
            }
            for (int w = 0; w < workloads.size(); w++) {
                double gx = LEFT + w * groupWidth + 7;
                for (int i = 0; i < targets.size(); i++) {
                    Cell c = find(cells, workloads.get(w), t, targets.get(i));
                    if (c == null) {
                        continue;
                    }
                    double r = report.ratio(c);
                    double h = Double.isNaN(r) ? 0 : Math.min(r, max) / max * PANEL;
                    double x = gx + i * barWidth;
                    s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s, %d threads, %s: %.2f× raw H2</title></rect>%n",
                            x, bottom - h, Math.max(1, barWidth - 1), h,
                            COLOURS[i % COLOURS.length], escape(workloads.get(w)), t, escape(targets.get(i)), r));
                    if (r > max) {
                        s.append(text(x + barWidth / 2, bottom - h - 3, 9, "middle",
                                String.format(Locale.ROOT, "%.1f", r)));
                    }
                }
                s.append(text(gx + (groupWidth - 14) / 2, bottom + 14, 11, "middle", workloads.get(w)));
            }
            hline(s, bottom - 1.0 / max * PANEL, "#000000", null, "raw H2 = 1.0");
            hline(s, bottom - 0.8 / max * PANEL, "#d62728", "5,4", "0.8");
            hline(s, bottom - 0.5 / max * PANEL, "#ff7f0e", "5,4", "0.5");
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#000000\"/>%n",
                    LEFT, WIDTH - RIGHT, bottom, bottom));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void hline(StringBuilder s, double y, String colour, String dash, String label) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
                LEFT, WIDTH - RIGHT, y, y, colour, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        s.append(text(WIDTH - RIGHT - 2, y - 3, 9, "end", label));
    }

    private static Cell find(List<Cell> cells, String workload, int threads, String target) {
        for (Cell c : cells) {
            if (c.workload().equals(workload) && c.threads() == threads && c.target().equals(target)) {
                return c;
            }
        }
        return null;
    }

    private static String text(double x, double y, int size, String anchor, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
                x, y, size, anchor, escape(content));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
