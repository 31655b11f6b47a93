using TfLiteMicro.Kernels;

namespace TfLiteMicro;

// Registration of the elementwise kernels, one method per op (why: see OpResolver.cs).
public sealed partial class OpResolver
{
    // Arithmetic
    /// <summary>Registers the ADD kernel.</summary>
    public OpResolver AddAdd() => Add(BuiltinOperator.Add, static () => new Add());

    /// <summary>Registers the SUB kernel.</summary>
    public OpResolver AddSub() => Add(BuiltinOperator.Sub, static () => new Sub());

    /// <summary>Registers the MUL kernel.</summary>
    public OpResolver AddMul() => Add(BuiltinOperator.Mul, static () => new Mul());

    /// <summary>Registers the DIV kernel.</summary>
    public OpResolver AddDiv() => Add(BuiltinOperator.Div, static () => new Div());

    /// <summary>Registers the MINIMUM kernel.</summary>
    public OpResolver AddMinimum() => Add(BuiltinOperator.Minimum, static () => new Minimum());

    /// <summary>Registers the MAXIMUM kernel.</summary>
    public OpResolver AddMaximum() => Add(BuiltinOperator.Maximum, static () => new Maximum());

    /// <summary>Registers the SQUARED_DIFFERENCE kernel.</summary>
    public OpResolver AddSquaredDifference() => Add(BuiltinOperator.SquaredDifference, static () => new SquaredDifference());

    /// <summary>Registers the FLOOR_DIV kernel.</summary>
    public OpResolver AddFloorDiv() => Add(BuiltinOperator.FloorDiv, static () => new FloorDiv());

    /// <summary>Registers the FLOOR_MOD kernel.</summary>
    public OpResolver AddFloorMod() => Add(BuiltinOperator.FloorMod, static () => new FloorMod());

    // Comparison, logical, select
    /// <summary>Registers the EQUAL kernel.</summary>
    public OpResolver AddEqual() => Add(BuiltinOperator.Equal, static () => new Equal());

    /// <summary>Registers the NOT_EQUAL kernel.</summary>
    public OpResolver AddNotEqual() => Add(BuiltinOperator.NotEqual, static () => new NotEqual());

    /// <summary>Registers the GREATER kernel.</summary>
    public OpResolver AddGreater() => Add(BuiltinOperator.Greater, static () => new Greater());

    /// <summary>Registers the GREATER_EQUAL kernel.</summary>
    public OpResolver AddGreaterEqual() => Add(BuiltinOperator.GreaterEqual, static () => new GreaterEqual());

    /// <summary>Registers the LESS kernel.</summary>
    public OpResolver AddLess() => Add(BuiltinOperator.Less, static () => new Less());

    /// <summary>Registers the LESS_EQUAL kernel.</summary>
    public OpResolver AddLessEqual() => Add(BuiltinOperator.LessEqual, static () => new LessEqual());

    /// <summary>Registers the LOGICAL_AND kernel.</summary>
    public OpResolver AddLogicalAnd() => Add(BuiltinOperator.LogicalAnd, static () => new LogicalAnd());

    /// <summary>Registers the LOGICAL_OR kernel.</summary>
    public OpResolver AddLogicalOr() => Add(BuiltinOperator.LogicalOr, static () => new LogicalOr());

    /// <summary>Registers the LOGICAL_NOT kernel.</summary>
    public OpResolver AddLogicalNot() => Add(BuiltinOperator.LogicalNot, static () => new LogicalNot());

    /// <summary>Registers the SELECT_V2 kernel.</summary>
    public OpResolver AddSelectV2() => Add(BuiltinOperator.SelectV2, static () => new SelectV2());

    // Unary math
    /// <summary>Registers the ABS kernel.</summary>
    public OpResolver AddAbs() => Add(BuiltinOperator.Abs, static () => new Abs());

    /// <summary>Registers the CEIL kernel.</summary>
    public OpResolver AddCeil() => Add(BuiltinOperator.Ceil, static () => new Ceil());

    /// <summary>Registers the COS kernel.</summary>
    public OpResolver AddCos() => Add(BuiltinOperator.Cos, static () => new Cos());

    /// <summary>Registers the EXP kernel.</summary>
    public OpResolver AddExp() => Add(BuiltinOperator.Exp, static () => new Exp());

    /// <summary>Registers the FLOOR kernel.</summary>
    public OpResolver AddFloor() => Add(BuiltinOperator.Floor, static () => new Floor());

    /// <summary>Registers the LOG kernel.</summary>
    public OpResolver AddLog() => Add(BuiltinOperator.Log, static () => new Log());

    /// <summary>Registers the NEG kernel.</summary>
    public OpResolver AddNeg() => Add(BuiltinOperator.Neg, static () => new Neg());

    /// <summary>Registers the ROUND kernel.</summary>
    public OpResolver AddRound() => Add(BuiltinOperator.Round, static () => new Round());

    /// <summary>Registers the RSQRT kernel.</summary>
    public OpResolver AddRsqrt() => Add(BuiltinOperator.Rsqrt, static () => new Rsqrt());

    /// <summary>Registers the SIN kernel.</summary>
    public OpResolver AddSin() => Add(BuiltinOperator.Sin, static () => new Sin());

    /// <summary>Registers the SQRT kernel.</summary>
    public OpResolver AddSqrt() => Add(BuiltinOperator.Sqrt, static () => new Sqrt());

    /// <summary>Registers the SQUARE kernel.</summary>
    public OpResolver AddSquare() => Add(BuiltinOperator.Square, static () => new Square());

    /// <summary>Registers the ZEROS_LIKE kernel.</summary>
    public OpResolver AddZerosLike() => Add(BuiltinOperator.ZerosLike, static () => new ZerosLike());

    // Activations
    /// <summary>Registers the RELU kernel.</summary>
    public OpResolver AddRelu() => Add(BuiltinOperator.Relu, static () => new Relu());

    /// <summary>Registers the RELU6 kernel.</summary>
    public OpResolver AddRelu6() => Add(BuiltinOperator.Relu6, static () => new Relu6());

    /// <summary>Registers the LEAKY_RELU kernel.</summary>
    public OpResolver AddLeakyRelu() => Add(BuiltinOperator.LeakyRelu, static () => new LeakyRelu());

    /// <summary>Registers the PRELU kernel.</summary>
    public OpResolver AddPrelu() => Add(BuiltinOperator.Prelu, static () => new Prelu());

    /// <summary>Registers the ELU kernel.</summary>
    public OpResolver AddElu() => Add(BuiltinOperator.Elu, static () => new Elu());

    /// <summary>Registers the HARD_SWISH kernel.</summary>
    public OpResolver AddHardSwish() => Add(BuiltinOperator.HardSwish, static () => new HardSwish());

    /// <summary>Registers the LOGISTIC kernel.</summary>
    public OpResolver AddLogistic() => Add(BuiltinOperator.Logistic, static () => new Logistic());

    /// <summary>Registers the TANH kernel.</summary>
    public OpResolver AddTanh() => Add(BuiltinOperator.Tanh, static () => new Tanh());

    /// <summary>Registers the SOFTMAX kernel.</summary>
    public OpResolver AddSoftmax() => Add(BuiltinOperator.Softmax, static () => new Softmax());

    /// <summary>Registers the LOG_SOFTMAX kernel.</summary>
    public OpResolver AddLogSoftmax() => Add(BuiltinOperator.LogSoftmax, static () => new LogSoftmax());

    /// <summary>Registers the L2_NORMALIZATION kernel.</summary>
    public OpResolver AddL2Normalization() => Add(BuiltinOperator.L2Normalization, static () => new L2Normalization());

    /// <summary>Registers the ADD_N kernel.</summary>
    public OpResolver AddAddN() => Add(BuiltinOperator.AddN, static () => new AddN());
}
