using System.CommandLine;
using TfLiteMicro.Memory;
using TfLiteMicro.Modeling;

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
        Option<string> planner = new("--planner")
        {
            Description = "compact (default: shared buffers and a search over placements, never above greedy) or greedy (TFLM's planner).",
            HelpName = "NAME",
        };
        Option<bool> overwriteInputs = new("--inputs-may-be-overwritten")
        {
            Description = "Let element-wise operators write over the model's inputs (they must then be written before every Invoke).",
        };
        Option<string> writeOffline = new("--write-offline")
        {
            Description = "Write a copy of the model carrying this plan's tensor offsets as TFLM's OfflineMemoryAllocation metadata.",
            HelpName = "FILE",
        };
        var command = new Command("plan", "Show the memory plan: each arena buffer's kind, name, size, lifetime [first, last] operator, offset "
            + "and the bytes it shares; the lower bound, TFLM's greedy plan and the plan in use.")
        {
            model, svg, json, arena, planner, overwriteInputs, writeOffline,
        };
        command.SetAction(parse => Execute(output, parse.GetValue(model)!, parse.GetValue(svg), parse.GetValue(json), CommonOptions.ArenaBytes(parse, arena),
            ParsePlanner(parse.GetValue(planner)), parse.GetValue(overwriteInputs), parse.GetValue(writeOffline)));
        return command;
    }

    private static MemoryPlannerKind ParsePlanner(string? name) => name?.ToLowerInvariant() switch
    {
        null or "compact" => MemoryPlannerKind.Compact,
        "greedy" => MemoryPlannerKind.Greedy,
        _ => throw new CliException($"--planner: '{name}' is not a planner (compact or greedy)"),
    };

    internal static int Execute(TextWriter o, string path, string? svgPath, bool asJson, int arenaBytes,
        MemoryPlannerKind planner = MemoryPlannerKind.Compact, bool inputsMayBeOverwritten = false, string? offlinePath = null)
    {
        var options = new InterpreterOptions { Planner = planner, InputsMayBeOverwritten = inputsMayBeOverwritten };
        using PreparedModel prepared = PreparedModel.Create(path, arenaBytes, options);
        MicroInterpreter interpreter = prepared.Interpreter;
        IReadOnlyList<MemoryPlanEntry> plan = interpreter.MemoryPlan;
        ArenaUsage usage = interpreter.ArenaUsage;
        MemoryPlanSummary summary = interpreter.MemoryPlanSummary!;
        int offlineBytes = offlinePath is null ? 0 : WriteOffline(prepared, offlinePath);

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
                json.WriteString("planner", summary.Planner == MemoryPlannerKind.Greedy ? "greedy" : "compact");
                json.WriteNumber("lowerBoundBytes", summary.LowerBoundBytes);
                json.WriteNumber("greedyBytes", summary.GreedyBytes);
                json.WriteNumber("sharedTensors", summary.SharedTensors);
                json.WriteNumber("plansTried", summary.PlansTried);
                json.WriteNumber("planningMilliseconds", summary.PlanningTime.TotalMilliseconds);
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
                    if (e.Sharing != BufferSharingKind.None)
                    {
                        json.WriteString("sharing", SharingName(e.Sharing));
                        json.WriteString("sharesWith", e.SharesWith);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                if (svgPath is not null) json.WriteString("svg", svgPath);
                if (offlinePath is not null) json.WriteString("offline", offlinePath);
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
            string shares = e.Sharing == BufferSharingKind.None ? "" : $"  {SharingName(e.Sharing)} over '{e.SharesWith}'";
            o.WriteLine($"{e.Kind,-10} {e.Subgraph,2} {e.Index,5}  {name.PadRight(nameWidth)} {e.Size,10} {e.FirstUse,5} {e.LastUse,5} {e.Offset,10} {e.Offset + e.Size,10}{shares}");
        }
        o.WriteLine();
        o.WriteLine($"Lower bound (most bytes alive at one step, shared buffers counted once): {TensorText.Bytes(summary.LowerBoundBytes)}");
        o.WriteLine($"Greedy (TFLM's planner, no shared buffers): {TensorText.Bytes(summary.GreedyBytes)}");
        o.WriteLine($"Planner in use: {(summary.Planner == MemoryPlannerKind.Greedy ? "greedy" : "compact")}, {summary.SharedTensors} tensors in shared bytes, "
            + $"{summary.PlansTried} plans tried in {summary.PlanningTime.TotalMilliseconds:0.0} ms");
        o.WriteLine($"Planned (activations and scratch, overlapped by lifetime): {TensorText.Bytes(usage.PlannedBytes)}");
        o.WriteLine($"Persistent (variables, kernel state): {TensorText.Bytes(usage.PersistentBytes)}");
        o.WriteLine($"Total arena used: {TensorText.Bytes(usage.TotalBytes)}");
        if (svgPath is not null) o.WriteLine($"Wrote {svgPath}");
        if (offlinePath is not null)
            o.WriteLine($"Wrote {offlinePath}: its tensors planned offline in {TensorText.Bytes(offlineBytes)} (RESHAPE outputs share their input's offset; "
                + "in-place operators are not written, TFLM's kernels are not known to accept them)");
        return 0;
    }

    private static string SharingName(BufferSharingKind kind) => kind == BufferSharingKind.Alias ? "alias" : "in place";

    /// <summary>Writes the model with the offline plan; returns the bytes the planned tensors span.</summary>
    private static int WriteOffline(PreparedModel prepared, string path)
    {
        int[] offsets;
        try
        {
            offsets = prepared.Interpreter.CreateOfflinePlan();
        }
        catch (NotSupportedException e)
        {
            throw new CliException($"{prepared.Path}: --write-offline: {e.Message}");
        }
        byte[] rewritten;
        try
        {
            rewritten = OfflinePlanWriter.Write(prepared.Model, offsets);
        }
        catch (NotSupportedException e)
        {
            throw new CliException($"{prepared.Path}: --write-offline: {e.Message}");
        }
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, rewritten);
        long end = 0;
        for (int t = 0; t < offsets.Length; t++)
            if (offsets[t] >= 0) end = Math.Max(end, offsets[t] + ((prepared.Interpreter.GetTensor(t).ByteCount + 15L) & ~15L));
        return (int)end;
    }
}
