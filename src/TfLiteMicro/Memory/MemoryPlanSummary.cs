namespace TfLiteMicro.Memory;

/// <summary>Which planner lays out the planned part of the arena (<see cref="InterpreterOptions.Planner"/>).</summary>
public enum MemoryPlannerKind
{
    /// <summary>
    /// Buffers that share bytes (RESHAPE-like aliases, element-wise operators in place), then a search over placement
    /// orders from TFLM's greedy plan, keeping the smallest found. Never larger than <see cref="Greedy"/>.
    /// </summary>
    Compact,

    /// <summary>TFLM's greedy-by-size planner: every tensor has bytes of its own.</summary>
    Greedy,
}

/// <summary>
/// How the planned part of the arena came out: the smallest possible (<see cref="LowerBoundBytes"/>, the most bytes
/// alive at one step once shared buffers count once), TFLM's greedy plan, and the plan in use.
/// </summary>
/// <remarks>
/// A plain class rather than a record: a record's generated equality and text go through the framework's general enum
/// and TimeSpan formatters, which a NativeAOT binary would then carry (about 100 KB) for a debugging string.
/// </remarks>
public sealed class MemoryPlanSummary
{
    /// <summary>Creates a summary (the interpreter makes one in AllocateTensors).</summary>
    /// <param name="planner">The planner chosen.</param>
    /// <param name="lowerBoundBytes">No placement of these buffers is smaller (after aliasing and in-place sharing).</param>
    /// <param name="greedyBytes">TFLM's greedy-by-size plan, without shared buffers.</param>
    /// <param name="plannedBytes">The plan in use.</param>
    /// <param name="sharedTensors">Tensors placed in another tensor's bytes.</param>
    /// <param name="plansTried">Placements evaluated by the search.</param>
    /// <param name="planningTime">Time the planning took in AllocateTensors.</param>
    public MemoryPlanSummary(MemoryPlannerKind planner, int lowerBoundBytes, int greedyBytes, int plannedBytes,
        int sharedTensors, int plansTried, TimeSpan planningTime)
    {
        Planner = planner;
        LowerBoundBytes = lowerBoundBytes;
        GreedyBytes = greedyBytes;
        PlannedBytes = plannedBytes;
        SharedTensors = sharedTensors;
        PlansTried = plansTried;
        PlanningTime = planningTime;
    }

    /// <summary>The planner chosen.</summary>
    public MemoryPlannerKind Planner { get; }

    /// <summary>No placement of these buffers is smaller (after aliasing and in-place sharing).</summary>
    public int LowerBoundBytes { get; }

    /// <summary>TFLM's greedy-by-size plan, without shared buffers.</summary>
    public int GreedyBytes { get; }

    /// <summary>The plan in use (<see cref="ArenaUsage.PlannedBytes"/>).</summary>
    public int PlannedBytes { get; }

    /// <summary>Tensors placed in another tensor's bytes.</summary>
    public int SharedTensors { get; }

    /// <summary>Placements evaluated by the search.</summary>
    public int PlansTried { get; }

    /// <summary>Time the planning took in AllocateTensors.</summary>
    public TimeSpan PlanningTime { get; }

    /// <summary>The summary in one line: planner, planned bytes, lower bound, greedy, shared tensors, plans, time.</summary>
    public override string ToString() =>
        $"{(Planner == MemoryPlannerKind.Greedy ? "Greedy" : "Compact")}: {PlannedBytes} B planned (lower bound {LowerBoundBytes} B, " +
        $"greedy {GreedyBytes} B), {SharedTensors} shared tensors, {PlansTried} plans, {PlanningTime.Ticks / 10} us";
}
