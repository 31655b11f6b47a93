using System.Globalization;
using System.Reflection;
using System.Text.Json;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.OptionsGenerator;
using TfLiteMicro.Tests.Kernels.Shape;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Options;

/// <summary>
/// The options views: the schema's defaults on an absent table, the values TFLite's converter wrote in the shared
/// models (as flatc decodes them with the real schema), the union type check, and the writer and reader agreeing.
/// </summary>
public sealed class OptionsViewTests
{
    /// <summary>Every view: the structs the generator wrote, found by their union-tag constant.</summary>
    private static readonly Type[] s_views = typeof(Tensor).Assembly.GetTypes()
        .Where(t => t.IsValueType && t.GetField("Table", BindingFlags.Public | BindingFlags.Static)?.FieldType == typeof(BuiltinOptionsTable))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The schema's defaults other than zero, false or empty, written out here rather than read from the extract.</summary>
    private static readonly Dictionary<string, object> s_nonZeroDefaults = new(StringComparer.Ordinal)
    {
        ["Conv2DOptions.DilationWFactor"] = 1,
        ["Conv2DOptions.DilationHFactor"] = 1,
        ["DepthwiseConv2DOptions.DilationWFactor"] = 1,
        ["DepthwiseConv2DOptions.DilationHFactor"] = 1,
        ["AddOptions.PotScaleInt16"] = true,
        ["SubOptions.PotScaleInt16"] = true,
    };

    private static object View(Type type, FlatTable table) =>
        type.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(FlatTable)])!.Invoke([table]);

    private static BuiltinOptionsTable TableOf(Type view) => (BuiltinOptionsTable)view.GetField("Table")!.GetValue(null)!;

    [Fact]
    public void There_is_one_view_per_catalogued_table()
    {
        Assert.Equal(OptionsCatalog.ViewedTables.Order(StringComparer.Ordinal), s_views.Select(v => v.Name));
        foreach (Type view in s_views) Assert.Equal(view.Name, TableOf(view).ToString());
    }

    [Fact]
    public void Absent_tables_read_as_the_schema_defaults()
    {
        int checkedFields = 0;
        foreach (Type type in s_views)
        {
            object view = View(type, default);
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                object? value = property.GetValue(view);
                object? expected = s_nonZeroDefaults.TryGetValue($"{type.Name}.{property.Name}", out object? d) ? d
                    : property.PropertyType == typeof(string) ? null
                    : Activator.CreateInstance(property.PropertyType);
                Assert.True(Equals(expected, value), $"{type.Name}.{property.Name} reads {value} on an absent table, the schema's default is {expected}");
                checkedFields++;
            }
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName))
            {
                var array = (Array)method.Invoke(view, null)!;
                Assert.True(array.Length == 0, $"{type.Name}.{method.Name}() is not empty on an absent table");
                checkedFields++;
            }
        }
        Assert.True(checkedFields >= 80, $"only {checkedFields} fields were checked");
    }

    [Fact]
    public void Absent_tables_read_the_extract_defaults_too()
    {
        foreach (Type type in s_views)
        {
            object view = View(type, default);
            foreach (FbsField field in OptionsSchemaTests.Extract.Tables[type.Name].Where(f => f.Default is not null && !f.Deprecated))
            {
                object? value = type.GetProperty(OptionsCatalog.Pascal(field.Name))!.GetValue(view);
                AssertSchemaValue(field.Default!, value, $"{type.Name}.{field.Name}");
            }
        }
    }

    [SkippableFact]
    public void Views_read_what_the_converter_wrote_in_the_shared_models()
    {
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Model", "Options", "golden-options.json")));
        var models = new Dictionary<string, Model>(StringComparer.Ordinal);
        var tablesSeen = new HashSet<string>(StringComparer.Ordinal);
        int fields = 0;
        foreach (JsonElement entry in expected.RootElement.EnumerateArray())
        {
            string path = entry.GetProperty("model").GetString()!;
            if (!models.TryGetValue(path, out Model? model))
                models[path] = model = Model.Load(File.ReadAllBytes(SharedData.Path(path)));
            int s = entry.GetProperty("subgraph").GetInt32(), o = entry.GetProperty("operator").GetInt32();
            string tableName = entry.GetProperty("table").GetString()!;
            ModelOperator op = model.Subgraphs[s].Operators[o];
            string where = $"{path} subgraph {s} operator {o}";
            Type type = s_views.Single(v => v.Name == tableName);
            object view = View(type, BuiltinOptionsUnion.Select(op, TableOf(type), where));
            tablesSeen.Add(tableName);
            foreach (JsonProperty field in entry.GetProperty("fields").EnumerateObject())
            {
                string name = OptionsCatalog.Pascal(field.Name);
                object? value = type.GetProperty(name) is { } property ? property.GetValue(view)
                    : type.GetMethod("Get" + name) is { } method ? method.Invoke(view, null)
                    : throw new Xunit.Sdk.XunitException($"{where}: {tableName}.{field.Name} has no property in the view");
                AssertJsonValue(field.Value, value, $"{where}: {tableName}.{field.Name}");
                fields++;
            }
        }
        foreach (string table in new[] { "Conv2DOptions", "DepthwiseConv2DOptions", "FullyConnectedOptions", "Pool2DOptions", "AddOptions", "StridedSliceOptions" })
            Assert.Contains(table, tablesSeen);
        Assert.True(tablesSeen.Count >= 25, $"the shared models carry only {tablesSeen.Count} of the viewed tables");
        Assert.True(fields > 800, $"only {fields} fields compared");
    }

    private static void AssertJsonValue(JsonElement json, object? value, string what)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                Assert.True(Equals(json.GetBoolean(), value), $"{what}: {value}, flatc reads {json}");
                break;
            case JsonValueKind.String:
                AssertSchemaValue(json.GetString()!, value, what);
                break;
            case JsonValueKind.Number when value is float f:
                double d = json.GetDouble();
                Assert.True(Math.Abs(f - d) <= 1e-6 * Math.Max(1, Math.Abs(d)), $"{what}: {f}, flatc reads {d}");
                break;
            case JsonValueKind.Number:
                Assert.True(Convert.ToInt64(value, CultureInfo.InvariantCulture) == json.GetInt64(), $"{what}: {value}, flatc reads {json}");
                break;
            case JsonValueKind.Array:
                Assert.Equal(json.EnumerateArray().Select(e => e.GetInt32()), (int[])value!);
                break;
            default:
                throw new Xunit.Sdk.XunitException($"{what}: unexpected JSON {json}");
        }
    }

    /// <summary>A value as the schema writes it (enum name, number, true/false) against what a view returned.</summary>
    private static void AssertSchemaValue(string schemaValue, object? value, string what)
    {
        bool same = value switch
        {
            Enum e => OptionsCatalog.SameName(e.ToString(), schemaValue),
            bool b => b.ToString().Equals(schemaValue, StringComparison.OrdinalIgnoreCase),
            float f => f == float.Parse(schemaValue, CultureInfo.InvariantCulture),
            string text => text == schemaValue,
            _ => Convert.ToInt64(value, CultureInfo.InvariantCulture) == long.Parse(schemaValue, CultureInfo.InvariantCulture),
        };
        Assert.True(same, $"{what}: the view reads {value}, the schema says {schemaValue}");
    }

    [Fact]
    public void An_operator_carrying_another_table_is_an_invalid_model_naming_both()
    {
        var op = new SingleOp();
        int a = op.Input(TensorType.Float32, [2], new[] { 1f, 2f });
        int b = op.Input(TensorType.Float32, [2], new[] { 3f, 4f });
        op.Output(TensorType.Float32, [2]);
        InvalidModelException e = Assert.Throws<InvalidModelException>(() =>
            op.Prepare(BuiltinOperator.Add, [a, b], OperatorOptions.Pool2D(PaddingKind.Same, 1, 1, 1, 1)));
        Assert.Equal("subgraph 0, operator 0 (ADD v1): the builtin options are Pool2DOptions (union type 5), but ADD reads AddOptions (union type 11)", e.Message);
    }

    [Fact]
    public void An_options_union_type_outside_the_schema_is_an_invalid_model()
    {
        var op = new SingleOp();
        int x = op.Input(TensorType.Float32, [1, 4], new[] { 1f, 2f, 3f, 4f });
        op.Output(TensorType.Float32, [1, 4]);
        InvalidModelException e = Assert.Throws<InvalidModelException>(() =>
            op.Prepare(BuiltinOperator.Softmax, [x], OperatorOptions.Create(250, w => w.Float(0, 1f))));
        Assert.Equal("subgraph 0, operator 0 (SOFTMAX v1): the builtin options are union type 250, which the schema does not define, but SOFTMAX reads SoftmaxOptions (union type 9)", e.Message);
    }

    [Fact]
    public void An_operator_without_options_runs_on_the_defaults()
    {
        // STRIDED_SLICE with no options table: every mask 0, so begin/end/strides alone select the slice.
        var op = new SingleOp();
        int x = op.Input(TensorType.Float32, [4], new[] { 1f, 2f, 3f, 4f });
        int begin = op.Const(TensorType.Int32, [1], new[] { 1 });
        int end = op.Const(TensorType.Int32, [1], new[] { 3 });
        int strides = op.Const(TensorType.Int32, [1], new[] { 1 });
        op.Output(TensorType.Float32, [2]);
        MicroInterpreter interpreter = op.Run(BuiltinOperator.StridedSlice, [x, begin, end, strides]);
        Assert.Equal(new[] { 2f, 3f }, interpreter.Output(0).AsReadOnlySpan<float>().ToArray());
    }

    public static TheoryData<string, OperatorOptions, BuiltinOperator, string> WrittenOptions => new()
    {
        { "Conv2DOptions", OperatorOptions.Conv2D(PaddingKind.Valid, 2, 3, FusedActivation.Relu6, 4, 5), BuiltinOperator.Conv2D,
            "Padding=Valid StrideW=2 StrideH=3 FusedActivationFunction=Relu6 DilationWFactor=4 DilationHFactor=5 QuantizedBiasType=Float32" },
        { "DepthwiseConv2DOptions", OperatorOptions.DepthwiseConv2D(PaddingKind.Valid, 2, 3, 4, FusedActivation.Relu, 5, 6), BuiltinOperator.DepthwiseConv2D,
            "Padding=Valid StrideW=2 StrideH=3 DepthMultiplier=4 FusedActivationFunction=Relu DilationWFactor=5 DilationHFactor=6" },
        { "Pool2DOptions", OperatorOptions.Pool2D(PaddingKind.Valid, 2, 3, 4, 5, FusedActivation.ReluN1To1), BuiltinOperator.MaxPool2D,
            "Padding=Valid StrideW=2 StrideH=3 FilterWidth=4 FilterHeight=5 FusedActivationFunction=ReluN1To1" },
        { "FullyConnectedOptions", OperatorOptions.FullyConnected(FusedActivation.Relu, keepNumDims: true), BuiltinOperator.FullyConnected,
            "FusedActivationFunction=Relu WeightsFormat=Default KeepNumDims=True AsymmetricQuantizeInputs=False QuantizedBiasType=Float32" },
        { "SoftmaxOptions", OperatorOptions.Softmax(0.25f), BuiltinOperator.Softmax, "Beta=0.25" },
        { "ConcatenationOptions", OperatorOptions.Concatenation(-2, FusedActivation.Relu), BuiltinOperator.Concatenation,
            "Axis=-2 FusedActivationFunction=Relu" },
        { "AddOptions", OperatorOptions.Add(FusedActivation.Relu6), BuiltinOperator.Add, "FusedActivationFunction=Relu6 PotScaleInt16=True" },
        { "MulOptions", OperatorOptions.Mul(FusedActivation.Relu), BuiltinOperator.Mul, "FusedActivationFunction=Relu" },
    };

    /// <summary>What the model writer's factories write, the views read back field by field.</summary>
    [Theory]
    [MemberData(nameof(WrittenOptions))]
    public void Views_read_what_the_writer_wrote(string table, OperatorOptions options, BuiltinOperator code, string expected)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        int t = graph.AddTensor("t", TensorType.Float32, [1]);
        graph.AddOperator(code, [t], [t], options);
        graph.SetInputs([t]);
        graph.SetOutputs([t]);
        ModelOperator op = Model.Load(builder.Build()).Subgraphs[0].Operators[0];

        Type type = s_views.Single(v => v.Name == table);
        object view = View(type, BuiltinOptionsUnion.Select(op, TableOf(type), "written"));
        string read = string.Join(' ', type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => $"{p.Name}={Convert.ToString(p.GetValue(view), CultureInfo.InvariantCulture)}"));
        Assert.Equal(expected, read);
    }
}
