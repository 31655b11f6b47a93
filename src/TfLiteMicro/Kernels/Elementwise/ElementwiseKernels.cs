namespace TfLiteMicro.Kernels;

internal static partial class BuiltinKernels
{
    static partial void RegisterElementwiseKernels(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
        // Arithmetic
        table[BuiltinOperator.Add] = static () => new Add();
        table[BuiltinOperator.Sub] = static () => new Sub();
        table[BuiltinOperator.Mul] = static () => new Mul();
        table[BuiltinOperator.Div] = static () => new Div();
        table[BuiltinOperator.Minimum] = static () => new Minimum();
        table[BuiltinOperator.Maximum] = static () => new Maximum();
        table[BuiltinOperator.SquaredDifference] = static () => new SquaredDifference();
        table[BuiltinOperator.FloorDiv] = static () => new FloorDiv();
        table[BuiltinOperator.FloorMod] = static () => new FloorMod();

        // Comparison, logical, select
        table[BuiltinOperator.Equal] = static () => new Equal();
        table[BuiltinOperator.NotEqual] = static () => new NotEqual();
        table[BuiltinOperator.Greater] = static () => new Greater();
        table[BuiltinOperator.GreaterEqual] = static () => new GreaterEqual();
        table[BuiltinOperator.Less] = static () => new Less();
        table[BuiltinOperator.LessEqual] = static () => new LessEqual();
        table[BuiltinOperator.LogicalAnd] = static () => new LogicalAnd();
        table[BuiltinOperator.LogicalOr] = static () => new LogicalOr();
        table[BuiltinOperator.LogicalNot] = static () => new LogicalNot();
        table[BuiltinOperator.SelectV2] = static () => new SelectV2();

        // Unary math
        table[BuiltinOperator.Abs] = static () => new Abs();
        table[BuiltinOperator.Ceil] = static () => new Ceil();
        table[BuiltinOperator.Cos] = static () => new Cos();
        table[BuiltinOperator.Exp] = static () => new Exp();
        table[BuiltinOperator.Floor] = static () => new Floor();
        table[BuiltinOperator.Log] = static () => new Log();
        table[BuiltinOperator.Neg] = static () => new Neg();
        table[BuiltinOperator.Round] = static () => new Round();
        table[BuiltinOperator.Rsqrt] = static () => new Rsqrt();
        table[BuiltinOperator.Sin] = static () => new Sin();
        table[BuiltinOperator.Sqrt] = static () => new Sqrt();
        table[BuiltinOperator.Square] = static () => new Square();
        table[BuiltinOperator.ZerosLike] = static () => new ZerosLike();

        // Activations
        table[BuiltinOperator.Relu] = static () => new Relu();
        table[BuiltinOperator.Relu6] = static () => new Relu6();
        table[BuiltinOperator.LeakyRelu] = static () => new LeakyRelu();
        table[BuiltinOperator.Prelu] = static () => new Prelu();
        table[BuiltinOperator.Elu] = static () => new Elu();
        table[BuiltinOperator.HardSwish] = static () => new HardSwish();
        table[BuiltinOperator.Logistic] = static () => new Logistic();
        table[BuiltinOperator.Tanh] = static () => new Tanh();
        table[BuiltinOperator.Softmax] = static () => new Softmax();
        table[BuiltinOperator.LogSoftmax] = static () => new LogSoftmax();
        table[BuiltinOperator.L2Normalization] = static () => new L2Normalization();
        table[BuiltinOperator.AddN] = static () => new AddN();
    }
}
