namespace TfLiteMicro.Kernels;

/// <summary>Registration of the TFLite_Detection_PostProcess custom op.</summary>
public static class DetectionPostProcessResolverExtensions
{
    /// <summary>Registers <see cref="DetectionPostProcess"/> under the custom name "TFLite_Detection_PostProcess".</summary>
    public static OpResolver AddDetectionPostProcess(this OpResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver.AddCustom(DetectionPostProcess.OperatorName, static () => new DetectionPostProcess());
    }
}
