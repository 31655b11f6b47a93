using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime at its lowest per-call cost: one thread, every graph optimization, inputs and outputs allocated once
/// and bound to the session (<see cref="OrtIoBinding"/>), so that an invoke is a single <c>RunWithBinding</c>.
/// </summary>
internal sealed class OnnxRuntimeRun : IModelRun
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly TensorType[] _ourOutputTypes;

    /// <param name="path">The .onnx file.</param>
    /// <param name="ours">Our interpreter over the same model: its input bytes are copied, its shapes fill symbolic dimensions.</param>
    public OnnxRuntimeRun(string path, InterpreterRun run)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(path, options);
        MicroInterpreter ours = run.Interpreter;
        if (_session.InputNames.Count != ours.InputCount || _session.OutputNames.Count != ours.OutputCount)
            throw new InvalidOperationException($"{path}: {_session.InputNames.Count} inputs and {_session.OutputNames.Count} outputs, "
                + $"the .tflite has {ours.InputCount} and {ours.OutputCount}");
        _binding = _session.CreateIoBinding();
        _inputs = new OrtValue[ours.InputCount];
        for (int i = 0; i < _inputs.Length; i++)
        {
            string name = _session.InputNames[i];
            Tensor input = ours.Input(i);
            _inputs[i] = Allocate(path, name, _session.InputMetadata[name], input);
            PeerTensors.CopyInput(run, i, _inputs[i].GetTensorMutableDataAsSpan<byte>(), ElementType(_session.InputMetadata[name]));
            _binding.BindInput(name, _inputs[i]);
        }
        _outputs = new OrtValue[ours.OutputCount];
        _ourOutputTypes = new TensorType[ours.OutputCount];
        for (int i = 0; i < _outputs.Length; i++)
        {
            string name = _session.OutputNames[i];
            _outputs[i] = Allocate(path, name, _session.OutputMetadata[name], ours.Output(i));
            _ourOutputTypes[i] = ours.Output(i).Type;
            _binding.BindOutput(name, _outputs[i]);
        }
        Invoke();
    }

    public void Invoke() => _session.RunWithBinding(_runOptions, _binding);

    public int OutputCount => _outputs.Length;

    public TensorValues Output(int index)
        => PeerTensors.ToOurs(ElementType(_session.OutputMetadata[_session.OutputNames[index]]), _ourOutputTypes[index],
            _outputs[index].GetTensorDataAsSpan<byte>());

    public void Dispose()
    {
        _binding.Dispose();
        foreach (OrtValue value in _inputs.Concat(_outputs)) value?.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>A tensor of the ONNX graph's type and our tensor's shape (the graph may leave the batch symbolic).</summary>
    private static OrtValue Allocate(string path, string name, NodeMetadata metadata, Tensor ours)
    {
        TensorType type = ElementType(metadata);
        if (type != ours.Type && !(type == TensorType.UInt8 && ours.Type == TensorType.Int8))
            throw new InvalidOperationException($"{path}: '{name}' is {metadata.ElementDataType}, the .tflite's tensor is {ours.Type}");
        long[] shape = [.. ours.ShapeArray.Select(d => (long)d)];
        return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, metadata.ElementDataType, shape);
    }

    private static TensorType ElementType(NodeMetadata metadata) => metadata.ElementDataType switch
    {
        TensorElementType.Float => TensorType.Float32,
        TensorElementType.Int8 => TensorType.Int8,
        TensorElementType.UInt8 => TensorType.UInt8,
        TensorElementType.Int16 => TensorType.Int16,
        TensorElementType.Int32 => TensorType.Int32,
        _ => throw new NotSupportedException($"ONNX element type {metadata.ElementDataType}"),
    };
}
