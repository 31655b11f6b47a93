using static TfLiteMicro.Benchmarks.Peers.TfLiteNative;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// TensorFlow Lite through its C API on one thread: its built-in kernels, or with the XNNPACK delegate applied to
/// float, int8 and uint8 operators. Tensors are allocated once; an invoke is one <c>TfLiteInterpreterInvoke</c>.
/// </summary>
internal sealed unsafe class TfLiteRun : IModelRun
{
    private readonly nint _model, _delegate, _interpreter;
    private readonly TensorType[] _ourOutputTypes;

    /// <param name="path">The .tflite file.</param>
    /// <param name="ours">Ours over the same model, whose input bytes are copied.</param>
    /// <param name="xnnpack">Apply the XNNPACK delegate.</param>
    public TfLiteRun(string path, InterpreterRun run, bool xnnpack)
    {
        if (LoadError is { } error) throw new InvalidOperationException(error);
        MicroInterpreter ours = run.Interpreter;
        _model = TfLiteModelCreateFromFile(path);
        if (_model == 0) throw new InvalidOperationException($"TFLite does not load {path}");
        nint options = TfLiteInterpreterOptionsCreate();
        try
        {
            TfLiteInterpreterOptionsSetNumThreads(options, 1);
            if (xnnpack)
            {
                var xnnpackOptions = new XnnpackOptions { NumThreads = 1, Flags = XnnpackQs8 | XnnpackQu8 };
                _delegate = TfLiteXNNPackDelegateCreate(&xnnpackOptions);
                if (_delegate == 0) throw new InvalidOperationException("TfLiteXNNPackDelegateCreate failed");
                TfLiteInterpreterOptionsAddDelegate(options, _delegate);
            }
            _interpreter = TfLiteInterpreterCreate(_model, options);
        }
        finally
        {
            TfLiteInterpreterOptionsDelete(options);
        }
        if (_interpreter == 0) { Dispose(); throw new InvalidOperationException($"TFLite cannot build an interpreter for {path}"); }
        if (TfLiteInterpreterAllocateTensors(_interpreter) != 0) { Dispose(); throw new InvalidOperationException($"TFLite cannot allocate {path}'s tensors"); }

        if (TfLiteInterpreterGetInputTensorCount(_interpreter) != ours.InputCount
            || TfLiteInterpreterGetOutputTensorCount(_interpreter) != ours.OutputCount)
        {
            Dispose();
            throw new InvalidOperationException($"{path}: TFLite sees other inputs or outputs than ours");
        }
        for (int i = 0; i < ours.InputCount; i++)
        {
            nint tensor = TfLiteInterpreterGetInputTensor(_interpreter, i);
            var data = new Span<byte>((void*)TfLiteTensorData(tensor), checked((int)TfLiteTensorByteSize(tensor)));
            PeerTensors.CopyInput(run, i, data, ToTensorType(TfLiteTensorType(tensor)));
        }
        _ourOutputTypes = [.. Enumerable.Range(0, ours.OutputCount).Select(i => ours.Output(i).Type)];
        Invoke();
    }

    public void Invoke()
    {
        if (TfLiteInterpreterInvoke(_interpreter) != 0) throw new InvalidOperationException("TfLiteInterpreterInvoke failed");
    }

    public int OutputCount => _ourOutputTypes.Length;

    public TensorValues Output(int index)
    {
        nint tensor = TfLiteInterpreterGetOutputTensor(_interpreter, index);
        var data = new ReadOnlySpan<byte>((void*)TfLiteTensorData(tensor), checked((int)TfLiteTensorByteSize(tensor)));
        return PeerTensors.ToOurs(ToTensorType(TfLiteTensorType(tensor)), _ourOutputTypes[index], data);
    }

    public void Dispose()
    {
        // The interpreter uses the delegate and the model: it goes first.
        if (_interpreter != 0) TfLiteInterpreterDelete(_interpreter);
        if (_delegate != 0) TfLiteXNNPackDelegateDelete(_delegate);
        if (_model != 0) TfLiteModelDelete(_model);
    }
}
