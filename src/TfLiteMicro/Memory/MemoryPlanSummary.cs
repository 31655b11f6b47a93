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
/// <param name="Planner">The planner chosen.</param>
/// <param name="LowerBoundBytes">No placement of these buffers is smaller (after aliasing and in-place sharing).</param>
/// <param name="GreedyBytes">TFLM's greedy-by-size plan, without shared buffers.</param>
/// <param name="PlannedBytes">The plan in use (<see cref="ArenaUsage.PlannedBytes"/>).</param>
/// <param name="SharedTensors">Tensors placed in another tensor's bytes.</param>
/// <param name="PlansTried">Placements evaluated by the search.</param>
/// <param name="PlanningTime">Time the planning took in AllocateTensors.</param>
public sealed record MemoryPlanSummary(MemoryPlannerKind Planner, int LowerBoundBytes, int GreedyBytes, int PlannedBytes,
    int SharedTensors, int PlansTried, TimeSpan PlanningTime);
