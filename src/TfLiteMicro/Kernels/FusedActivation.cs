namespace TfLiteMicro.Kernels;

/// <summary>The schema's ActivationFunctionType: an activation fused into the op's output.</summary>
public enum FusedActivation : byte
{
    None = 0,
    Relu = 1,
    ReluN1To1 = 2,
    Relu6 = 3,
    Tanh = 4,
    SignBit = 5,
}
