using TfLiteMicro.Kernels;

namespace TfLiteMicro;

// Registration of the recurrent and matrix kernels, one method per op (why: see OpResolver.cs).
public sealed partial class OpResolver
{
    /// <summary>Registers the SVDF kernel.</summary>
    public OpResolver AddSvdf() => Add(BuiltinOperator.Svdf, static () => new Svdf());

    /// <summary>Registers the UNIDIRECTIONAL_SEQUENCE_LSTM kernel.</summary>
    public OpResolver AddUnidirectionalSequenceLstm() => Add(BuiltinOperator.UnidirectionalSequenceLstm, static () => new UnidirectionalSequenceLstm());

    /// <summary>Registers the BATCH_MATMUL kernel.</summary>
    public OpResolver AddBatchMatmul() => Add(BuiltinOperator.BatchMatmul, static () => new BatchMatMul());

    /// <summary>Registers the TRANSPOSE_CONV kernel.</summary>
    public OpResolver AddTransposeConv() => Add(BuiltinOperator.TransposeConv, static () => new TransposeConv());

    // TFLM registers these two as custom ops, under the names their models use.
    /// <summary>Registers the CIRCULAR_BUFFER custom op.</summary>
    public OpResolver AddCircularBuffer() => AddCustom(CircularBuffer.OperatorName, static () => new CircularBuffer());

    /// <summary>Registers the TFLite_Detection_PostProcess custom op.</summary>
    public OpResolver AddDetectionPostProcess() => AddCustom(DetectionPostProcess.OperatorName, static () => new DetectionPostProcess());

    /// <summary>Registers the DECODE custom op under TFLM's name "TFLM_DECODE" (decodes compressed constants).</summary>
    public OpResolver AddDecode() => AddCustom(Decode.OperatorName, static () => new Decode());
}
