namespace TfLiteMicro;

/// <summary>Builtin operator codes of the TFLite schema (version 3). The numeric values are the schema's.</summary>
public enum BuiltinOperator
{
    /// <summary>ADD.</summary>
    Add = 0,
    /// <summary>AVERAGE_POOL_2D.</summary>
    AveragePool2D = 1,
    /// <summary>CONCATENATION.</summary>
    Concatenation = 2,
    /// <summary>CONV_2D.</summary>
    Conv2D = 3,
    /// <summary>DEPTHWISE_CONV_2D.</summary>
    DepthwiseConv2D = 4,
    /// <summary>DEPTH_TO_SPACE.</summary>
    DepthToSpace = 5,
    /// <summary>DEQUANTIZE.</summary>
    Dequantize = 6,
    /// <summary>EMBEDDING_LOOKUP.</summary>
    EmbeddingLookup = 7,
    /// <summary>FLOOR.</summary>
    Floor = 8,
    /// <summary>FULLY_CONNECTED.</summary>
    FullyConnected = 9,
    /// <summary>HASHTABLE_LOOKUP.</summary>
    HashtableLookup = 10,
    /// <summary>L2_NORMALIZATION.</summary>
    L2Normalization = 11,
    /// <summary>L2_POOL_2D.</summary>
    L2Pool2D = 12,
    /// <summary>LOCAL_RESPONSE_NORMALIZATION.</summary>
    LocalResponseNormalization = 13,
    /// <summary>LOGISTIC.</summary>
    Logistic = 14,
    /// <summary>LSH_PROJECTION.</summary>
    LshProjection = 15,
    /// <summary>LSTM.</summary>
    Lstm = 16,
    /// <summary>MAX_POOL_2D.</summary>
    MaxPool2D = 17,
    /// <summary>MUL.</summary>
    Mul = 18,
    /// <summary>RELU.</summary>
    Relu = 19,
    /// <summary>RELU_N1_TO_1.</summary>
    ReluN1To1 = 20,
    /// <summary>RELU6.</summary>
    Relu6 = 21,
    /// <summary>RESHAPE.</summary>
    Reshape = 22,
    /// <summary>RESIZE_BILINEAR.</summary>
    ResizeBilinear = 23,
    /// <summary>RNN.</summary>
    Rnn = 24,
    /// <summary>SOFTMAX.</summary>
    Softmax = 25,
    /// <summary>SPACE_TO_DEPTH.</summary>
    SpaceToDepth = 26,
    /// <summary>SVDF.</summary>
    Svdf = 27,
    /// <summary>TANH.</summary>
    Tanh = 28,
    /// <summary>CONCAT_EMBEDDINGS.</summary>
    ConcatEmbeddings = 29,
    /// <summary>SKIP_GRAM.</summary>
    SkipGram = 30,
    /// <summary>CALL.</summary>
    Call = 31,
    /// <summary>CUSTOM.</summary>
    Custom = 32,
    /// <summary>EMBEDDING_LOOKUP_SPARSE.</summary>
    EmbeddingLookupSparse = 33,
    /// <summary>PAD.</summary>
    Pad = 34,
    /// <summary>UNIDIRECTIONAL_SEQUENCE_RNN.</summary>
    UnidirectionalSequenceRnn = 35,
    /// <summary>GATHER.</summary>
    Gather = 36,
    /// <summary>BATCH_TO_SPACE_ND.</summary>
    BatchToSpaceNd = 37,
    /// <summary>SPACE_TO_BATCH_ND.</summary>
    SpaceToBatchNd = 38,
    /// <summary>TRANSPOSE.</summary>
    Transpose = 39,
    /// <summary>MEAN.</summary>
    Mean = 40,
    /// <summary>SUB.</summary>
    Sub = 41,
    /// <summary>DIV.</summary>
    Div = 42,
    /// <summary>SQUEEZE.</summary>
    Squeeze = 43,
    /// <summary>UNIDIRECTIONAL_SEQUENCE_LSTM.</summary>
    UnidirectionalSequenceLstm = 44,
    /// <summary>STRIDED_SLICE.</summary>
    StridedSlice = 45,
    /// <summary>BIDIRECTIONAL_SEQUENCE_RNN.</summary>
    BidirectionalSequenceRnn = 46,
    /// <summary>EXP.</summary>
    Exp = 47,
    /// <summary>TOPK_V2.</summary>
    TopkV2 = 48,
    /// <summary>SPLIT.</summary>
    Split = 49,
    /// <summary>LOG_SOFTMAX.</summary>
    LogSoftmax = 50,
    /// <summary>DELEGATE.</summary>
    Delegate = 51,
    /// <summary>BIDIRECTIONAL_SEQUENCE_LSTM.</summary>
    BidirectionalSequenceLstm = 52,
    /// <summary>CAST.</summary>
    Cast = 53,
    /// <summary>PRELU.</summary>
    Prelu = 54,
    /// <summary>MAXIMUM.</summary>
    Maximum = 55,
    /// <summary>ARG_MAX.</summary>
    ArgMax = 56,
    /// <summary>MINIMUM.</summary>
    Minimum = 57,
    /// <summary>LESS.</summary>
    Less = 58,
    /// <summary>NEG.</summary>
    Neg = 59,
    /// <summary>PADV2.</summary>
    Padv2 = 60,
    /// <summary>GREATER.</summary>
    Greater = 61,
    /// <summary>GREATER_EQUAL.</summary>
    GreaterEqual = 62,
    /// <summary>LESS_EQUAL.</summary>
    LessEqual = 63,
    /// <summary>SELECT.</summary>
    Select = 64,
    /// <summary>SLICE.</summary>
    Slice = 65,
    /// <summary>SIN.</summary>
    Sin = 66,
    /// <summary>TRANSPOSE_CONV.</summary>
    TransposeConv = 67,
    /// <summary>SPARSE_TO_DENSE.</summary>
    SparseToDense = 68,
    /// <summary>TILE.</summary>
    Tile = 69,
    /// <summary>EXPAND_DIMS.</summary>
    ExpandDims = 70,
    /// <summary>EQUAL.</summary>
    Equal = 71,
    /// <summary>NOT_EQUAL.</summary>
    NotEqual = 72,
    /// <summary>LOG.</summary>
    Log = 73,
    /// <summary>SUM.</summary>
    Sum = 74,
    /// <summary>SQRT.</summary>
    Sqrt = 75,
    /// <summary>RSQRT.</summary>
    Rsqrt = 76,
    /// <summary>SHAPE.</summary>
    Shape = 77,
    /// <summary>POW.</summary>
    Pow = 78,
    /// <summary>ARG_MIN.</summary>
    ArgMin = 79,
    /// <summary>FAKE_QUANT.</summary>
    FakeQuant = 80,
    /// <summary>REDUCE_PROD.</summary>
    ReduceProd = 81,
    /// <summary>REDUCE_MAX.</summary>
    ReduceMax = 82,
    /// <summary>PACK.</summary>
    Pack = 83,
    /// <summary>LOGICAL_OR.</summary>
    LogicalOr = 84,
    /// <summary>ONE_HOT.</summary>
    OneHot = 85,
    /// <summary>LOGICAL_AND.</summary>
    LogicalAnd = 86,
    /// <summary>LOGICAL_NOT.</summary>
    LogicalNot = 87,
    /// <summary>UNPACK.</summary>
    Unpack = 88,
    /// <summary>REDUCE_MIN.</summary>
    ReduceMin = 89,
    /// <summary>FLOOR_DIV.</summary>
    FloorDiv = 90,
    /// <summary>REDUCE_ANY.</summary>
    ReduceAny = 91,
    /// <summary>SQUARE.</summary>
    Square = 92,
    /// <summary>ZEROS_LIKE.</summary>
    ZerosLike = 93,
    /// <summary>FILL.</summary>
    Fill = 94,
    /// <summary>FLOOR_MOD.</summary>
    FloorMod = 95,
    /// <summary>RANGE.</summary>
    Range = 96,
    /// <summary>RESIZE_NEAREST_NEIGHBOR.</summary>
    ResizeNearestNeighbor = 97,
    /// <summary>LEAKY_RELU.</summary>
    LeakyRelu = 98,
    /// <summary>SQUARED_DIFFERENCE.</summary>
    SquaredDifference = 99,
    /// <summary>MIRROR_PAD.</summary>
    MirrorPad = 100,
    /// <summary>ABS.</summary>
    Abs = 101,
    /// <summary>SPLIT_V.</summary>
    SplitV = 102,
    /// <summary>UNIQUE.</summary>
    Unique = 103,
    /// <summary>CEIL.</summary>
    Ceil = 104,
    /// <summary>REVERSE_V2.</summary>
    ReverseV2 = 105,
    /// <summary>ADD_N.</summary>
    AddN = 106,
    /// <summary>GATHER_ND.</summary>
    GatherNd = 107,
    /// <summary>COS.</summary>
    Cos = 108,
    /// <summary>WHERE.</summary>
    Where = 109,
    /// <summary>RANK.</summary>
    Rank = 110,
    /// <summary>ELU.</summary>
    Elu = 111,
    /// <summary>REVERSE_SEQUENCE.</summary>
    ReverseSequence = 112,
    /// <summary>MATRIX_DIAG.</summary>
    MatrixDiag = 113,
    /// <summary>QUANTIZE.</summary>
    Quantize = 114,
    /// <summary>MATRIX_SET_DIAG.</summary>
    MatrixSetDiag = 115,
    /// <summary>ROUND.</summary>
    Round = 116,
    /// <summary>HARD_SWISH.</summary>
    HardSwish = 117,
    /// <summary>IF.</summary>
    If = 118,
    /// <summary>WHILE.</summary>
    While = 119,
    /// <summary>NON_MAX_SUPPRESSION_V4.</summary>
    NonMaxSuppressionV4 = 120,
    /// <summary>NON_MAX_SUPPRESSION_V5.</summary>
    NonMaxSuppressionV5 = 121,
    /// <summary>SCATTER_ND.</summary>
    ScatterNd = 122,
    /// <summary>SELECT_V2.</summary>
    SelectV2 = 123,
    /// <summary>DENSIFY.</summary>
    Densify = 124,
    /// <summary>SEGMENT_SUM.</summary>
    SegmentSum = 125,
    /// <summary>BATCH_MATMUL.</summary>
    BatchMatmul = 126,
    /// <summary>PLACEHOLDER_FOR_GREATER_OP_CODES.</summary>
    PlaceholderForGreaterOpCodes = 127,
    /// <summary>CUMSUM.</summary>
    Cumsum = 128,
    /// <summary>CALL_ONCE.</summary>
    CallOnce = 129,
    /// <summary>BROADCAST_TO.</summary>
    BroadcastTo = 130,
    /// <summary>RFFT2D.</summary>
    Rfft2d = 131,
    /// <summary>CONV_3D.</summary>
    Conv3D = 132,
    /// <summary>IMAG.</summary>
    Imag = 133,
    /// <summary>REAL.</summary>
    Real = 134,
    /// <summary>COMPLEX_ABS.</summary>
    ComplexAbs = 135,
    /// <summary>HASHTABLE.</summary>
    Hashtable = 136,
    /// <summary>HASHTABLE_FIND.</summary>
    HashtableFind = 137,
    /// <summary>HASHTABLE_IMPORT.</summary>
    HashtableImport = 138,
    /// <summary>HASHTABLE_SIZE.</summary>
    HashtableSize = 139,
    /// <summary>REDUCE_ALL.</summary>
    ReduceAll = 140,
    /// <summary>CONV_3D_TRANSPOSE.</summary>
    Conv3DTranspose = 141,
    /// <summary>VAR_HANDLE.</summary>
    VarHandle = 142,
    /// <summary>READ_VARIABLE.</summary>
    ReadVariable = 143,
    /// <summary>ASSIGN_VARIABLE.</summary>
    AssignVariable = 144,
    /// <summary>BROADCAST_ARGS.</summary>
    BroadcastArgs = 145,
    /// <summary>RANDOM_STANDARD_NORMAL.</summary>
    RandomStandardNormal = 146,
    /// <summary>BUCKETIZE.</summary>
    Bucketize = 147,
    /// <summary>RANDOM_UNIFORM.</summary>
    RandomUniform = 148,
    /// <summary>MULTINOMIAL.</summary>
    Multinomial = 149,
    /// <summary>GELU.</summary>
    Gelu = 150,
    /// <summary>DYNAMIC_UPDATE_SLICE.</summary>
    DynamicUpdateSlice = 151,
    /// <summary>RELU_0_TO_1.</summary>
    Relu0To1 = 152,
    /// <summary>UNSORTED_SEGMENT_PROD.</summary>
    UnsortedSegmentProd = 153,
    /// <summary>UNSORTED_SEGMENT_MAX.</summary>
    UnsortedSegmentMax = 154,
    /// <summary>UNSORTED_SEGMENT_SUM.</summary>
    UnsortedSegmentSum = 155,
    /// <summary>ATAN2.</summary>
    Atan2 = 156,
    /// <summary>UNSORTED_SEGMENT_MIN.</summary>
    UnsortedSegmentMin = 157,
    /// <summary>SIGN.</summary>
    Sign = 158,
    /// <summary>BITCAST.</summary>
    Bitcast = 159,
    /// <summary>BITWISE_XOR.</summary>
    BitwiseXor = 160,
    /// <summary>RIGHT_SHIFT.</summary>
    RightShift = 161,
    /// <summary>STABLEHLO_LOGISTIC.</summary>
    StablehloLogistic = 162,
    /// <summary>STABLEHLO_ADD.</summary>
    StablehloAdd = 163,
    /// <summary>STABLEHLO_DIVIDE.</summary>
    StablehloDivide = 164,
    /// <summary>STABLEHLO_MULTIPLY.</summary>
    StablehloMultiply = 165,
    /// <summary>STABLEHLO_MAXIMUM.</summary>
    StablehloMaximum = 166,
    /// <summary>STABLEHLO_RESHAPE.</summary>
    StablehloReshape = 167,
    /// <summary>STABLEHLO_CLAMP.</summary>
    StablehloClamp = 168,
    /// <summary>STABLEHLO_CONCATENATE.</summary>
    StablehloConcatenate = 169,
    /// <summary>STABLEHLO_BROADCAST_IN_DIM.</summary>
    StablehloBroadcastInDim = 170,
    /// <summary>STABLEHLO_CONVOLUTION.</summary>
    StablehloConvolution = 171,
    /// <summary>STABLEHLO_SLICE.</summary>
    StablehloSlice = 172,
    /// <summary>STABLEHLO_CUSTOM_CALL.</summary>
    StablehloCustomCall = 173,
    /// <summary>STABLEHLO_REDUCE.</summary>
    StablehloReduce = 174,
    /// <summary>STABLEHLO_ABS.</summary>
    StablehloAbs = 175,
    /// <summary>STABLEHLO_AND.</summary>
    StablehloAnd = 176,
    /// <summary>STABLEHLO_COSINE.</summary>
    StablehloCosine = 177,
    /// <summary>STABLEHLO_EXPONENTIAL.</summary>
    StablehloExponential = 178,
    /// <summary>STABLEHLO_FLOOR.</summary>
    StablehloFloor = 179,
    /// <summary>STABLEHLO_LOG.</summary>
    StablehloLog = 180,
    /// <summary>STABLEHLO_MINIMUM.</summary>
    StablehloMinimum = 181,
    /// <summary>STABLEHLO_NEGATE.</summary>
    StablehloNegate = 182,
    /// <summary>STABLEHLO_OR.</summary>
    StablehloOr = 183,
    /// <summary>STABLEHLO_POWER.</summary>
    StablehloPower = 184,
    /// <summary>STABLEHLO_REMAINDER.</summary>
    StablehloRemainder = 185,
    /// <summary>STABLEHLO_RSQRT.</summary>
    StablehloRsqrt = 186,
    /// <summary>STABLEHLO_SELECT.</summary>
    StablehloSelect = 187,
    /// <summary>STABLEHLO_SUBTRACT.</summary>
    StablehloSubtract = 188,
    /// <summary>STABLEHLO_TANH.</summary>
    StablehloTanh = 189,
    /// <summary>STABLEHLO_SCATTER.</summary>
    StablehloScatter = 190,
    /// <summary>STABLEHLO_COMPARE.</summary>
    StablehloCompare = 191,
    /// <summary>STABLEHLO_CONVERT.</summary>
    StablehloConvert = 192,
    /// <summary>STABLEHLO_DYNAMIC_SLICE.</summary>
    StablehloDynamicSlice = 193,
    /// <summary>STABLEHLO_DYNAMIC_UPDATE_SLICE.</summary>
    StablehloDynamicUpdateSlice = 194,
    /// <summary>STABLEHLO_PAD.</summary>
    StablehloPad = 195,
    /// <summary>STABLEHLO_IOTA.</summary>
    StablehloIota = 196,
    /// <summary>STABLEHLO_DOT_GENERAL.</summary>
    StablehloDotGeneral = 197,
    /// <summary>STABLEHLO_REDUCE_WINDOW.</summary>
    StablehloReduceWindow = 198,
    /// <summary>STABLEHLO_SORT.</summary>
    StablehloSort = 199,
    /// <summary>STABLEHLO_WHILE.</summary>
    StablehloWhile = 200,
    /// <summary>STABLEHLO_GATHER.</summary>
    StablehloGather = 201,
    /// <summary>STABLEHLO_TRANSPOSE.</summary>
    StablehloTranspose = 202,
    /// <summary>DILATE.</summary>
    Dilate = 203,
    /// <summary>STABLEHLO_RNG_BIT_GENERATOR.</summary>
    StablehloRngBitGenerator = 204,
    /// <summary>REDUCE_WINDOW.</summary>
    ReduceWindow = 205,
    /// <summary>STABLEHLO_COMPOSITE.</summary>
    StablehloComposite = 206,
    /// <summary>STABLEHLO_SHIFT_LEFT.</summary>
    StablehloShiftLeft = 207,
    /// <summary>STABLEHLO_CBRT.</summary>
    StablehloCbrt = 208,
    /// <summary>STABLEHLO_CASE.</summary>
    StablehloCase = 209,
}

/// <summary>Names of builtin operators as the schema spells them (e.g. FULLY_CONNECTED), which is how TFLM users know them.</summary>
public static class BuiltinOperatorNames
{
    /// <summary>The schema name of <paramref name="op"/>, or "BUILTIN_n" for a code this build does not know.</summary>
    public static string GetName(BuiltinOperator op) => op switch
    {
        BuiltinOperator.Add => "ADD",
        BuiltinOperator.AveragePool2D => "AVERAGE_POOL_2D",
        BuiltinOperator.Concatenation => "CONCATENATION",
        BuiltinOperator.Conv2D => "CONV_2D",
        BuiltinOperator.DepthwiseConv2D => "DEPTHWISE_CONV_2D",
        BuiltinOperator.DepthToSpace => "DEPTH_TO_SPACE",
        BuiltinOperator.Dequantize => "DEQUANTIZE",
        BuiltinOperator.EmbeddingLookup => "EMBEDDING_LOOKUP",
        BuiltinOperator.Floor => "FLOOR",
        BuiltinOperator.FullyConnected => "FULLY_CONNECTED",
        BuiltinOperator.HashtableLookup => "HASHTABLE_LOOKUP",
        BuiltinOperator.L2Normalization => "L2_NORMALIZATION",
        BuiltinOperator.L2Pool2D => "L2_POOL_2D",
        BuiltinOperator.LocalResponseNormalization => "LOCAL_RESPONSE_NORMALIZATION",
        BuiltinOperator.Logistic => "LOGISTIC",
        BuiltinOperator.LshProjection => "LSH_PROJECTION",
        BuiltinOperator.Lstm => "LSTM",
        BuiltinOperator.MaxPool2D => "MAX_POOL_2D",
        BuiltinOperator.Mul => "MUL",
        BuiltinOperator.Relu => "RELU",
        BuiltinOperator.ReluN1To1 => "RELU_N1_TO_1",
        BuiltinOperator.Relu6 => "RELU6",
        BuiltinOperator.Reshape => "RESHAPE",
        BuiltinOperator.ResizeBilinear => "RESIZE_BILINEAR",
        BuiltinOperator.Rnn => "RNN",
        BuiltinOperator.Softmax => "SOFTMAX",
        BuiltinOperator.SpaceToDepth => "SPACE_TO_DEPTH",
        BuiltinOperator.Svdf => "SVDF",
        BuiltinOperator.Tanh => "TANH",
        BuiltinOperator.ConcatEmbeddings => "CONCAT_EMBEDDINGS",
        BuiltinOperator.SkipGram => "SKIP_GRAM",
        BuiltinOperator.Call => "CALL",
        BuiltinOperator.Custom => "CUSTOM",
        BuiltinOperator.EmbeddingLookupSparse => "EMBEDDING_LOOKUP_SPARSE",
        BuiltinOperator.Pad => "PAD",
        BuiltinOperator.UnidirectionalSequenceRnn => "UNIDIRECTIONAL_SEQUENCE_RNN",
        BuiltinOperator.Gather => "GATHER",
        BuiltinOperator.BatchToSpaceNd => "BATCH_TO_SPACE_ND",
        BuiltinOperator.SpaceToBatchNd => "SPACE_TO_BATCH_ND",
        BuiltinOperator.Transpose => "TRANSPOSE",
        BuiltinOperator.Mean => "MEAN",
        BuiltinOperator.Sub => "SUB",
        BuiltinOperator.Div => "DIV",
        BuiltinOperator.Squeeze => "SQUEEZE",
        BuiltinOperator.UnidirectionalSequenceLstm => "UNIDIRECTIONAL_SEQUENCE_LSTM",
        BuiltinOperator.StridedSlice => "STRIDED_SLICE",
        BuiltinOperator.BidirectionalSequenceRnn => "BIDIRECTIONAL_SEQUENCE_RNN",
        BuiltinOperator.Exp => "EXP",
        BuiltinOperator.TopkV2 => "TOPK_V2",
        BuiltinOperator.Split => "SPLIT",
        BuiltinOperator.LogSoftmax => "LOG_SOFTMAX",
        BuiltinOperator.Delegate => "DELEGATE",
        BuiltinOperator.BidirectionalSequenceLstm => "BIDIRECTIONAL_SEQUENCE_LSTM",
        BuiltinOperator.Cast => "CAST",
        BuiltinOperator.Prelu => "PRELU",
        BuiltinOperator.Maximum => "MAXIMUM",
        BuiltinOperator.ArgMax => "ARG_MAX",
        BuiltinOperator.Minimum => "MINIMUM",
        BuiltinOperator.Less => "LESS",
        BuiltinOperator.Neg => "NEG",
        BuiltinOperator.Padv2 => "PADV2",
        BuiltinOperator.Greater => "GREATER",
        BuiltinOperator.GreaterEqual => "GREATER_EQUAL",
        BuiltinOperator.LessEqual => "LESS_EQUAL",
        BuiltinOperator.Select => "SELECT",
        BuiltinOperator.Slice => "SLICE",
        BuiltinOperator.Sin => "SIN",
        BuiltinOperator.TransposeConv => "TRANSPOSE_CONV",
        BuiltinOperator.SparseToDense => "SPARSE_TO_DENSE",
        BuiltinOperator.Tile => "TILE",
        BuiltinOperator.ExpandDims => "EXPAND_DIMS",
        BuiltinOperator.Equal => "EQUAL",
        BuiltinOperator.NotEqual => "NOT_EQUAL",
        BuiltinOperator.Log => "LOG",
        BuiltinOperator.Sum => "SUM",
        BuiltinOperator.Sqrt => "SQRT",
        BuiltinOperator.Rsqrt => "RSQRT",
        BuiltinOperator.Shape => "SHAPE",
        BuiltinOperator.Pow => "POW",
        BuiltinOperator.ArgMin => "ARG_MIN",
        BuiltinOperator.FakeQuant => "FAKE_QUANT",
        BuiltinOperator.ReduceProd => "REDUCE_PROD",
        BuiltinOperator.ReduceMax => "REDUCE_MAX",
        BuiltinOperator.Pack => "PACK",
        BuiltinOperator.LogicalOr => "LOGICAL_OR",
        BuiltinOperator.OneHot => "ONE_HOT",
        BuiltinOperator.LogicalAnd => "LOGICAL_AND",
        BuiltinOperator.LogicalNot => "LOGICAL_NOT",
        BuiltinOperator.Unpack => "UNPACK",
        BuiltinOperator.ReduceMin => "REDUCE_MIN",
        BuiltinOperator.FloorDiv => "FLOOR_DIV",
        BuiltinOperator.ReduceAny => "REDUCE_ANY",
        BuiltinOperator.Square => "SQUARE",
        BuiltinOperator.ZerosLike => "ZEROS_LIKE",
        BuiltinOperator.Fill => "FILL",
        BuiltinOperator.FloorMod => "FLOOR_MOD",
        BuiltinOperator.Range => "RANGE",
        BuiltinOperator.ResizeNearestNeighbor => "RESIZE_NEAREST_NEIGHBOR",
        BuiltinOperator.LeakyRelu => "LEAKY_RELU",
        BuiltinOperator.SquaredDifference => "SQUARED_DIFFERENCE",
        BuiltinOperator.MirrorPad => "MIRROR_PAD",
        BuiltinOperator.Abs => "ABS",
        BuiltinOperator.SplitV => "SPLIT_V",
        BuiltinOperator.Unique => "UNIQUE",
        BuiltinOperator.Ceil => "CEIL",
        BuiltinOperator.ReverseV2 => "REVERSE_V2",
        BuiltinOperator.AddN => "ADD_N",
        BuiltinOperator.GatherNd => "GATHER_ND",
        BuiltinOperator.Cos => "COS",
        BuiltinOperator.Where => "WHERE",
        BuiltinOperator.Rank => "RANK",
        BuiltinOperator.Elu => "ELU",
        BuiltinOperator.ReverseSequence => "REVERSE_SEQUENCE",
        BuiltinOperator.MatrixDiag => "MATRIX_DIAG",
        BuiltinOperator.Quantize => "QUANTIZE",
        BuiltinOperator.MatrixSetDiag => "MATRIX_SET_DIAG",
        BuiltinOperator.Round => "ROUND",
        BuiltinOperator.HardSwish => "HARD_SWISH",
        BuiltinOperator.If => "IF",
        BuiltinOperator.While => "WHILE",
        BuiltinOperator.NonMaxSuppressionV4 => "NON_MAX_SUPPRESSION_V4",
        BuiltinOperator.NonMaxSuppressionV5 => "NON_MAX_SUPPRESSION_V5",
        BuiltinOperator.ScatterNd => "SCATTER_ND",
        BuiltinOperator.SelectV2 => "SELECT_V2",
        BuiltinOperator.Densify => "DENSIFY",
        BuiltinOperator.SegmentSum => "SEGMENT_SUM",
        BuiltinOperator.BatchMatmul => "BATCH_MATMUL",
        BuiltinOperator.PlaceholderForGreaterOpCodes => "PLACEHOLDER_FOR_GREATER_OP_CODES",
        BuiltinOperator.Cumsum => "CUMSUM",
        BuiltinOperator.CallOnce => "CALL_ONCE",
        BuiltinOperator.BroadcastTo => "BROADCAST_TO",
        BuiltinOperator.Rfft2d => "RFFT2D",
        BuiltinOperator.Conv3D => "CONV_3D",
        BuiltinOperator.Imag => "IMAG",
        BuiltinOperator.Real => "REAL",
        BuiltinOperator.ComplexAbs => "COMPLEX_ABS",
        BuiltinOperator.Hashtable => "HASHTABLE",
        BuiltinOperator.HashtableFind => "HASHTABLE_FIND",
        BuiltinOperator.HashtableImport => "HASHTABLE_IMPORT",
        BuiltinOperator.HashtableSize => "HASHTABLE_SIZE",
        BuiltinOperator.ReduceAll => "REDUCE_ALL",
        BuiltinOperator.Conv3DTranspose => "CONV_3D_TRANSPOSE",
        BuiltinOperator.VarHandle => "VAR_HANDLE",
        BuiltinOperator.ReadVariable => "READ_VARIABLE",
        BuiltinOperator.AssignVariable => "ASSIGN_VARIABLE",
        BuiltinOperator.BroadcastArgs => "BROADCAST_ARGS",
        BuiltinOperator.RandomStandardNormal => "RANDOM_STANDARD_NORMAL",
        BuiltinOperator.Bucketize => "BUCKETIZE",
        BuiltinOperator.RandomUniform => "RANDOM_UNIFORM",
        BuiltinOperator.Multinomial => "MULTINOMIAL",
        BuiltinOperator.Gelu => "GELU",
        BuiltinOperator.DynamicUpdateSlice => "DYNAMIC_UPDATE_SLICE",
        BuiltinOperator.Relu0To1 => "RELU_0_TO_1",
        BuiltinOperator.UnsortedSegmentProd => "UNSORTED_SEGMENT_PROD",
        BuiltinOperator.UnsortedSegmentMax => "UNSORTED_SEGMENT_MAX",
        BuiltinOperator.UnsortedSegmentSum => "UNSORTED_SEGMENT_SUM",
        BuiltinOperator.Atan2 => "ATAN2",
        BuiltinOperator.UnsortedSegmentMin => "UNSORTED_SEGMENT_MIN",
        BuiltinOperator.Sign => "SIGN",
        BuiltinOperator.Bitcast => "BITCAST",
        BuiltinOperator.BitwiseXor => "BITWISE_XOR",
        BuiltinOperator.RightShift => "RIGHT_SHIFT",
        BuiltinOperator.StablehloLogistic => "STABLEHLO_LOGISTIC",
        BuiltinOperator.StablehloAdd => "STABLEHLO_ADD",
        BuiltinOperator.StablehloDivide => "STABLEHLO_DIVIDE",
        BuiltinOperator.StablehloMultiply => "STABLEHLO_MULTIPLY",
        BuiltinOperator.StablehloMaximum => "STABLEHLO_MAXIMUM",
        BuiltinOperator.StablehloReshape => "STABLEHLO_RESHAPE",
        BuiltinOperator.StablehloClamp => "STABLEHLO_CLAMP",
        BuiltinOperator.StablehloConcatenate => "STABLEHLO_CONCATENATE",
        BuiltinOperator.StablehloBroadcastInDim => "STABLEHLO_BROADCAST_IN_DIM",
        BuiltinOperator.StablehloConvolution => "STABLEHLO_CONVOLUTION",
        BuiltinOperator.StablehloSlice => "STABLEHLO_SLICE",
        BuiltinOperator.StablehloCustomCall => "STABLEHLO_CUSTOM_CALL",
        BuiltinOperator.StablehloReduce => "STABLEHLO_REDUCE",
        BuiltinOperator.StablehloAbs => "STABLEHLO_ABS",
        BuiltinOperator.StablehloAnd => "STABLEHLO_AND",
        BuiltinOperator.StablehloCosine => "STABLEHLO_COSINE",
        BuiltinOperator.StablehloExponential => "STABLEHLO_EXPONENTIAL",
        BuiltinOperator.StablehloFloor => "STABLEHLO_FLOOR",
        BuiltinOperator.StablehloLog => "STABLEHLO_LOG",
        BuiltinOperator.StablehloMinimum => "STABLEHLO_MINIMUM",
        BuiltinOperator.StablehloNegate => "STABLEHLO_NEGATE",
        BuiltinOperator.StablehloOr => "STABLEHLO_OR",
        BuiltinOperator.StablehloPower => "STABLEHLO_POWER",
        BuiltinOperator.StablehloRemainder => "STABLEHLO_REMAINDER",
        BuiltinOperator.StablehloRsqrt => "STABLEHLO_RSQRT",
        BuiltinOperator.StablehloSelect => "STABLEHLO_SELECT",
        BuiltinOperator.StablehloSubtract => "STABLEHLO_SUBTRACT",
        BuiltinOperator.StablehloTanh => "STABLEHLO_TANH",
        BuiltinOperator.StablehloScatter => "STABLEHLO_SCATTER",
        BuiltinOperator.StablehloCompare => "STABLEHLO_COMPARE",
        BuiltinOperator.StablehloConvert => "STABLEHLO_CONVERT",
        BuiltinOperator.StablehloDynamicSlice => "STABLEHLO_DYNAMIC_SLICE",
        BuiltinOperator.StablehloDynamicUpdateSlice => "STABLEHLO_DYNAMIC_UPDATE_SLICE",
        BuiltinOperator.StablehloPad => "STABLEHLO_PAD",
        BuiltinOperator.StablehloIota => "STABLEHLO_IOTA",
        BuiltinOperator.StablehloDotGeneral => "STABLEHLO_DOT_GENERAL",
        BuiltinOperator.StablehloReduceWindow => "STABLEHLO_REDUCE_WINDOW",
        BuiltinOperator.StablehloSort => "STABLEHLO_SORT",
        BuiltinOperator.StablehloWhile => "STABLEHLO_WHILE",
        BuiltinOperator.StablehloGather => "STABLEHLO_GATHER",
        BuiltinOperator.StablehloTranspose => "STABLEHLO_TRANSPOSE",
        BuiltinOperator.Dilate => "DILATE",
        BuiltinOperator.StablehloRngBitGenerator => "STABLEHLO_RNG_BIT_GENERATOR",
        BuiltinOperator.ReduceWindow => "REDUCE_WINDOW",
        BuiltinOperator.StablehloComposite => "STABLEHLO_COMPOSITE",
        BuiltinOperator.StablehloShiftLeft => "STABLEHLO_SHIFT_LEFT",
        BuiltinOperator.StablehloCbrt => "STABLEHLO_CBRT",
        BuiltinOperator.StablehloCase => "STABLEHLO_CASE",
        _ => "BUILTIN_" + ((int)op).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The enum member's name (<c>Conv2D</c>), or null for a code this build does not know. Spelled from the schema name
    /// (each word capitalised, "2D" kept) rather than by <see cref="Enum.ToString()"/>, which would keep enum reflection
    /// in every trimmed program that can report an error.
    /// </summary>
    internal static string? GetMemberName(BuiltinOperator op)
    {
        string name = GetName(op);
        if (name.StartsWith("BUILTIN_", StringComparison.Ordinal)) return null;
        var member = new System.Text.StringBuilder(name.Length);
        foreach (string word in name.Split('_'))
        {
            if (word.Length == 0) continue;
            bool number = word[0] is >= '0' and <= '9';   // "2D" and "3D" stay as they are
            member.Append(word[0]).Append(number ? word.Substring(1) : word.Substring(1).ToLowerInvariant());
        }
        return member.ToString();
    }
}
