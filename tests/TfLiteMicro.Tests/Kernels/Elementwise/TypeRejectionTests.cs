using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Support.ElementwiseTestModels;
using static TfLiteMicro.Tests.Support.TensorSpec;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>Types TFLM's kernels reject are rejected at AllocateTensors, with a message naming the op and the type.</summary>
public class TypeRejectionTests
{
    private static readonly int[] S = [2, 2];

    public static TheoryData<BuiltinOperator, TensorSpec[], TensorSpec, string> Rejected() => new()
    {
        { BuiltinOperator.Add, [I64(S), I64(S)], I64(S), "INT64" },
        { BuiltinOperator.Sub, [I64(S), I64(S)], I64(S), "INT64" },
        { BuiltinOperator.Mul, [I64(S), I64(S)], I64(S), "INT64" },
        { BuiltinOperator.Div, [I16(1f, 0, S), I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
        { BuiltinOperator.Minimum, [Bool(S), Bool(S)], Bool(S), "BOOL" },
        { BuiltinOperator.Maximum, [Bool(S), Bool(S)], Bool(S), "BOOL" },
        { BuiltinOperator.SquaredDifference, [I64(S), I64(S)], I64(S), "INT64" },
        { BuiltinOperator.FloorDiv, [I32(S), I32(S)], I32(S), "INT32" },
        { BuiltinOperator.FloorMod, [I32(S), I32(S)], I32(S), "INT32" },
        { BuiltinOperator.AddN, [I32(S), I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Equal, [I16(1f, 0, S), I16(1f, 0, S)], Bool(S), "INT16" },
        { BuiltinOperator.NotEqual, [I16(1f, 0, S), I16(1f, 0, S)], Bool(S), "INT16" },
        { BuiltinOperator.Greater, [Bool(S), Bool(S)], Bool(S), "BOOL" },
        { BuiltinOperator.GreaterEqual, [I16(1f, 0, S), I16(1f, 0, S)], Bool(S), "INT16" },
        { BuiltinOperator.Less, [I16(1f, 0, S), I16(1f, 0, S)], Bool(S), "INT16" },
        { BuiltinOperator.LessEqual, [I16(1f, 0, S), I16(1f, 0, S)], Bool(S), "INT16" },
        { BuiltinOperator.LogicalAnd, [F32(S), F32(S)], F32(S), "FLOAT32" },
        { BuiltinOperator.LogicalOr, [I8(1f, 0, S), I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.LogicalNot, [F32(S)], F32(S), "FLOAT32" },
        { BuiltinOperator.SelectV2, [Bool(S), I32(S), I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Abs, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Ceil, [I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.Cos, [I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.Exp, [I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.Floor, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Log, [I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.Neg, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Round, [I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.Rsqrt, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Sin, [I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
        { BuiltinOperator.Sqrt, [I8(1f, 0, S)], I8(1f, 0, S), "INT8" },
        { BuiltinOperator.Square, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.ZerosLike, [I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
        { BuiltinOperator.Relu, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Relu6, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.LeakyRelu, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Prelu, [I32(S), I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Elu, [I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
        { BuiltinOperator.HardSwish, [I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
        { BuiltinOperator.Logistic, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Tanh, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.Softmax, [I32(S)], I32(S), "INT32" },
        { BuiltinOperator.LogSoftmax, [I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
        { BuiltinOperator.L2Normalization, [I16(1f, 0, S)], I16(1f, 0, S), "INT16" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void RejectedAtAllocateTensors(BuiltinOperator op, TensorSpec[] inputs, TensorSpec output, string typeName)
    {
        var e = Assert.Throws<KernelException>(() => Allocate(op, inputs, output));
        Assert.Contains(typeName, e.Message);
        Assert.Contains(Model.Load(Build(op, inputs, output)).Subgraphs[0].Operators[0].Code.Name, e.Message);
    }

    [Fact]
    public void Int8SoftmaxNeedsTheFixedOutputQuantization()
    {
        var e = Assert.Throws<KernelException>(() => Allocate(BuiltinOperator.Softmax, [I8(0.1f, 0, 1, 5)], I8(0.1f, 0, 1, 5), OperatorOptions.Softmax()));
        Assert.Contains("zero point", e.Message);
    }

    [Fact]
    public void ShapesThatDoNotBroadcastAreRejected()
    {
        var e = Assert.Throws<KernelException>(() => Allocate(BuiltinOperator.Add, [F32(2, 3), F32(2, 4)], F32(2, 4), OperatorOptions.Add()));
        Assert.Contains("broadcast", e.Message);
    }

    [Fact]
    public void AnOutputOfTheWrongShapeIsRejected()
        => Assert.Throws<KernelException>(() => Allocate(BuiltinOperator.Mul, [F32(2, 3), F32(3)], F32(3, 3), OperatorOptions.Mul()));
}
