using System.Globalization;
using System.Security;
using System.Text;
using TfLiteMicro.Memory;

namespace TfLiteMicro.Cli;

/// <summary>Draws a memory plan: one rectangle per buffer spanning its lifetime (x) and its arena bytes (y).</summary>
internal static class PlanSvg
{
    private const double Left = 90, Top = 50, PlotWidth = 900, PlotHeight = 560, Bottom = 150;

    public static string Render(Model model, IReadOnlyList<MemoryPlanEntry> plan, ArenaUsage usage, string title)
    {
        int steps = Math.Max(1, model.Subgraphs[0].Operators.Count);
        foreach (MemoryPlanEntry e in plan) steps = Math.Max(steps, e.LastUse + 1);
        long total = Math.Max(1, usage.TotalBytes);
        foreach (MemoryPlanEntry e in plan) total = Math.Max(total, (long)e.Offset + e.Size);
        double stepWidth = PlotWidth / steps;
        double bytesToY = PlotHeight / total;
        double width = Left + PlotWidth + 30, height = Top + PlotHeight + Bottom;

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:0}\" height=\"{height:0}\" viewBox=\"0 0 {width:0} {height:0}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append(Invariant($"<rect x=\"0\" y=\"0\" width=\"{width:0}\" height=\"{height:0}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left:0}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}: arena plan, {usage.TotalBytes} bytes</text>\n"));
        svg.Append(Invariant($"<text x=\"{Left:0}\" y=\"40\" fill=\"#555\">planned {usage.PlannedBytes} B (tensors and scratch), persistent {usage.PersistentBytes} B; hover a buffer for details</text>\n"));
        svg.Append(Invariant($"<rect x=\"{Left:0}\" y=\"{Top:0}\" width=\"{PlotWidth:0}\" height=\"{PlotHeight:0}\" fill=\"#fafafa\" stroke=\"#999\"/>\n"));

        // Offset axis: five ticks from 0 (top) to the total (bottom), like an address map.
        for (int k = 0; k <= 5; k++)
        {
            long bytes = total * k / 5;
            double y = Top + bytes * bytesToY;
            svg.Append(Invariant($"<line x1=\"{Left - 4:0.#}\" y1=\"{y:0.#}\" x2=\"{Left + PlotWidth:0.#}\" y2=\"{y:0.#}\" stroke=\"#e4e4e4\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 6:0.#}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{bytes}</text>\n"));
        }
        svg.Append(Invariant($"<text x=\"16\" y=\"{Top + PlotHeight / 2:0}\" transform=\"rotate(-90 16 {Top + PlotHeight / 2:0})\" text-anchor=\"middle\">arena offset (bytes)</text>\n"));

        // Step axis: one label per operator of the main subgraph.
        IReadOnlyList<ModelOperator> ops = model.Subgraphs[0].Operators;
        int labelEvery = Math.Max(1, (int)Math.Ceiling(steps / 60.0));
        for (int s = 0; s < steps; s += labelEvery)
        {
            double x = Left + (s + 0.5) * stepWidth;
            string label = s < ops.Count ? $"{s} {ops[s].Code.Name}" : s.ToString(CultureInfo.InvariantCulture);
            double y = Top + PlotHeight + 8;
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{y:0.#}\" transform=\"rotate(60 {x:0.#} {y:0.#})\">{Escape(label)}</text>\n"));
        }
        svg.Append(Invariant($"<text x=\"{Left + PlotWidth / 2:0}\" y=\"{height - 8:0}\" text-anchor=\"middle\">operator step</text>\n"));

        for (int i = 0; i < plan.Count; i++)
        {
            MemoryPlanEntry e = plan[i];
            double x = Left + e.FirstUse * stepWidth;
            double w = Math.Max(1, (e.LastUse - e.FirstUse + 1) * stepWidth);
            double y = Top + e.Offset * bytesToY;
            double h = Math.Max(1, e.Size * bytesToY);
            string fill = Color(e.Kind, i);
            svg.Append(Invariant($"<rect x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{w:0.##}\" height=\"{h:0.##}\" fill=\"{fill}\" fill-opacity=\"0.8\" stroke=\"#333\" stroke-width=\"0.5\">"));
            svg.Append(Invariant($"<title>{Escape(e.Kind)} {Escape(e.Name)} (subgraph {e.Subgraph}, #{e.Index}): {e.Size} B at offset {e.Offset}, steps {e.FirstUse}..{e.LastUse}</title></rect>\n"));
            if (h >= 12 && w >= 60)
            {
                string label = e.Name.Length > (int)(w / 6.5) ? e.Name[..Math.Max(1, (int)(w / 6.5) - 1)] + "…" : e.Name;
                svg.Append(Invariant($"<text x=\"{x + 3:0.##}\" y=\"{y + Math.Min(h, 24) / 2 + 4:0.##}\" font-size=\"10\" pointer-events=\"none\">{Escape(label)}</text>\n"));
            }
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Color(string kind, int index) => kind switch
    {
        "scratch" => "#f4a261",
        "variable" => "#9b5de5",
        "persistent" => "#8d99ae",
        _ => Palette[index % Palette.Length],
    };

    private static readonly string[] Palette = ["#4e79a7", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#e15759"];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
