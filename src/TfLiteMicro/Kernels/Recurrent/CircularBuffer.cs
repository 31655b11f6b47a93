namespace TfLiteMicro.Kernels;

/// <summary>
/// CIRCULAR_BUFFER (TFLM custom op): keeps the last N int8 frames of a [batch, 1, h, w] input in a [batch, N, h, w]
/// output, shifting one frame in per call. Only every cycles_max-th call lets the rest of the graph run; on the
/// others the Invoke ends after this op (<see cref="MicroInterpreter.LastInvokeAborted"/>). The history lives in
/// persistent arena memory, so it survives whatever else the planner puts in the output's place between calls.
/// Register it with <see cref="OpResolver.AddCircularBuffer"/>.
/// </summary>
internal sealed class CircularBuffer : IKernel, IResettableKernel
{
    /// <summary>The custom operator name TFLM's converter writes.</summary>
    public const string OperatorName = "CIRCULAR_BUFFER";

    private int _slots, _depth, _cyclesMax, _cyclesUntilRun, _history;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Rank != 4 || output.Rank != 4) throw context.Error("input and output must have rank 4");
        if (input.Dim(0) != output.Dim(0) || input.Dim(1) != 1 || input.Dim(2) != output.Dim(2) || input.Dim(3) != output.Dim(3))
            throw context.Error($"input [{string.Join(",", input.ShapeArray)}] must be one frame of output [{string.Join(",", output.ShapeArray)}]");
        if (input.Type != TensorType.Int8) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Int8) throw context.UnsupportedType("output", output.Type);
        // As in TFLM, a batch is treated as one frame sequence: the frame is h x w and batches beyond 1 are not shifted separately.
        _slots = output.Dim(1);
        _depth = output.Dim(2) * output.Dim(3);
        if (_slots < 1) throw context.Error("the output holds no frames");

        _cyclesMax = 0;
        if (!context.CustomOptions.IsEmpty)
        {
            FlexBufferReference root = FlexBuffer.GetRoot(context.CustomOptions);
            if (root.IsMap && root.AsMap().TryGetValue("cycles_max", out FlexBufferReference cycles)) _cyclesMax = cycles.AsInt32();
            else if (root.IsVector && root.AsVector().Length > 0) _cyclesMax = root.AsVector().ElementAsInt32(0);
        }
        // Without the option TFLM guesses from the frame count of the models it ships.
        if (_cyclesMax <= 0) _cyclesMax = _slots is 5 or 13 or 25 ? 1 : 2;
        _cyclesUntilRun = _cyclesMax;
        _history = context.AllocatePersistent(checked(_slots * _depth));
    }

    public void Invoke(InvokeContext context)
    {
        Span<sbyte> history = context.Persistent<sbyte>(_history);
        ReadOnlySpan<sbyte> frame = context.Input<sbyte>(0).Slice(0, _depth);
        history.Slice(_depth).CopyTo(history);
        frame.CopyTo(history.Slice((_slots - 1) * _depth));
        history.CopyTo(context.Output<sbyte>(0));
        if (--_cyclesUntilRun != 0)
        {
            context.AbortInvoke();
            return;
        }
        _cyclesUntilRun = _cyclesMax;
    }

    public void Reset(InvokeContext context)
    {
        _cyclesUntilRun = _cyclesMax;
    }
}
