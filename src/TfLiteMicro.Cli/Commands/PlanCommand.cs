using System.CommandLine;
using TfLiteMicro.Memory;

namespace TfLiteMicro.Cli.Commands;

/// <summary><c>tflm plan MODEL</c>: every arena buffer with its lifetime and offset, as a table and as an SVG picture.</summary>
internal static class PlanCommand
{
    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<string> svg = new("--svg") { Description = "Also draw the plan as an SVG file: x = operator step, y = arena offset.", HelpName = "FILE" };
        Option<bool> json = CommonOptions.Json();
        Option<string> arena = CommonOptions.ArenaSize();
        var command = new Command("plan", "Show the memory plan: each arena buffer's kind, name, size, lifetime [first, last] operator and offset.")
        {
            model, svg, json, arena,
        };
        command.SetAction(parse => Execute(output, parse.GetValue(model)!, parse.GetValue(svg), parse.GetValue(json), CommonOptions.ArenaBytes(parse, arena)));
        return command;
    }

    internal static int Execute(TextWriter o, string path, string? svgPath, bool asJson, int arenaBytes)
    {
        using PreparedModel prepared = PreparedModel.Create(path, arenaBytes);
        MicroInterpreter interpreter = prepared.Interpreter;
        IReadOnlyList<MemoryPlanEntry> plan = interpreter.MemoryPlan;
        ArenaUsage usage = interpreter.ArenaUsage;

        if (svgPath is not null)
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(svgPath));
            if (dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllText(svgPath, PlanSvg.Render(prepared.Model, plan, usage, prepared.FileName));
        }

        if (asJson)
        {
            TensorText.PrintJson(o, json =>
            {
                json.WriteStartObject();
                json.WriteString("file", prepared.FileName);
                json.WriteNumber("totalBytes", usage.TotalBytes);
                json.WriteNumber("plannedBytes", usage.PlannedBytes);
                json.WriteNumber("persistentBytes", usage.PersistentBytes);
                json.WriteStartArray("buffers");
                foreach (MemoryPlanEntry e in plan)
                {
                    json.WriteStartObject();
                    json.WriteString("kind", e.Kind);
                    json.WriteNumber("subgraph", e.Subgraph);
                    json.WriteNumber("index", e.Index);
                    json.WriteString("name", e.Name);
                    json.WriteNumber("size", e.Size);
                    json.WriteNumber("first", e.FirstUse);
                    json.WriteNumber("last", e.LastUse);
                    json.WriteNumber("offset", e.Offset);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                if (svgPath is not null) json.WriteString("svg", svgPath);
                json.WriteEndObject();
            });
            return 0;
        }

        o.WriteLine($"Memory plan of {prepared.FileName}: {plan.Count} buffers");
        int nameWidth = 4;
        foreach (MemoryPlanEntry e in plan) nameWidth = Math.Max(nameWidth, Math.Min(48, e.Name.Length));
        o.WriteLine($"{"kind",-10} {"sg",2} {"index",5}  {"name".PadRight(nameWidth)} {"size",10} {"first",5} {"last",5} {"offset",10} {"end",10}");
        foreach (MemoryPlanEntry e in plan)
        {
            string name = e.Name.Length > 48 ? e.Name[..45] + "..." : e.Name;
            o.WriteLine($"{e.Kind,-10} {e.Subgraph,2} {e.Index,5}  {name.PadRight(nameWidth)} {e.Size,10} {e.FirstUse,5} {e.LastUse,5} {e.Offset,10} {e.Offset + e.Size,10}");
        }
        o.WriteLine();
        o.WriteLine($"Planned (activations and scratch, overlapped by lifetime): {TensorText.Bytes(usage.PlannedBytes)}");
        o.WriteLine($"Persistent (variables, kernel state): {TensorText.Bytes(usage.PersistentBytes)}");
        o.WriteLine($"Total arena used: {TensorText.Bytes(usage.TotalBytes)}");
        if (svgPath is not null) o.WriteLine($"Wrote {svgPath}");
        return 0;
    }
}
