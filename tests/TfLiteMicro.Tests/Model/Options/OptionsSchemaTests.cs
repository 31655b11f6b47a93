using System.Text.RegularExpressions;
using TfLiteMicro.Kernels;
using TfLiteMicro.OptionsGenerator;

namespace TfLiteMicro.Tests.Options;

/// <summary>
/// The options views and the writer's field ids stay in step with TFLite's schema: both are generated from the
/// committed extract of schema.fbs, the extract cannot be edited by hand unnoticed, and the generator's schema reader
/// is checked on a schema written here. (Re-extracting from the upstream schema needs GitHub: scripts/check-options-schema.sh.)
/// </summary>
public sealed class OptionsSchemaTests
{
    private static readonly Lazy<OptionsExtract> s_extract = new(() => OptionsExtract.Load(RepositoryFile(OptionsCodeWriter.ExtractPath)));

    internal static OptionsExtract Extract => s_extract.Value;

    internal static string RepositoryFile(string relative)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln")))
                return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("the test binaries are not inside the repository (no TfLiteMicro.sln above them)");
    }

    [Fact]
    public void Extract_names_its_schema_and_matches_its_checksum()
    {
        // Load throws when the rows' SHA-256 differs from the header's.
        Assert.Matches(new Regex("^tensorflow/tflite-micro tensorflow/compiler/mlir/lite/schema/schema.fbs @ [0-9a-f]{40}$"), Extract.Source);
        Assert.Matches(new Regex("^[0-9a-f]{64}$"), Extract.SchemaSha256);
        Assert.True(Extract.Unions["BuiltinOptions"].Count >= 126, "the BuiltinOptions union has at least the 126 tables it had when the views were written");
    }

    [Fact]
    public void Edited_extract_rows_are_rejected()
    {
        string text = File.ReadAllText(RepositoryFile(OptionsCodeWriter.ExtractPath));
        string edited = text.Replace("field\tConv2DOptions\t4\tdilation_w_factor\tint\t1", "field\tConv2DOptions\t4\tdilation_w_factor\tint\t2", StringComparison.Ordinal);
        Assert.NotEqual(text, edited);
        FormatException e = Assert.Throws<FormatException>(() => OptionsExtract.Parse(edited, "edited"));
        Assert.Contains("edited by hand", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_files_are_what_the_extract_gives()
    {
        foreach ((string path, string text) in OptionsCodeWriter.Generate(Extract))
        {
            string committed = File.ReadAllText(RepositoryFile(path));
            Assert.True(committed == text,
                $"{path} differs from what the extract gives: run `dotnet run --project tools/TfLiteMicro.OptionsGenerator -- generate`");
        }
    }

    [Fact]
    public void Extract_round_trips_through_its_text()
    {
        OptionsExtract again = OptionsExtract.Parse(Extract.Format(), "formatted");
        Assert.Equal(Extract.Rows, again.Rows);
        Assert.Equal(Extract.Source, again.Source);
    }

    [Theory]
    [InlineData(typeof(FusedActivation), "ActivationFunctionType")]
    [InlineData(typeof(PaddingKind), "Padding")]
    [InlineData(typeof(TensorType), "TensorType")]
    [InlineData(typeof(MirrorPadMode), "MirrorPadMode")]
    [InlineData(typeof(FullyConnectedOptionsWeightsFormat), "FullyConnectedOptionsWeightsFormat")]
    public void Runtime_enums_have_the_schema_values(Type type, string schemaEnum)
    {
        FbsEnum expected = Extract.Enums[schemaEnum];
        string[] names = Enum.GetNames(type);
        Assert.Equal(expected.Values.Count, names.Length);
        foreach (FbsEnumValue value in expected.Values)
        {
            object member = Enum.ToObject(type, value.Value);
            Assert.True(Enum.IsDefined(type, member), $"{type.Name} has no value {value.Value} ({value.Name})");
            Assert.True(OptionsCatalog.SameName(member.ToString()!, value.Name), $"{type.Name}.{member} is {value.Name} in the schema");
        }
    }

    [Fact]
    public void Schema_reader_gives_ids_types_defaults_and_tags()
    {
        const string schema = """
            // a comment that names table Fake { x:int; }
            namespace tflite;
            attribute "priority";
            enum Mode : byte { A = 0, B, C = 5 (deprecated), D, }
            table First { a:int; b:Mode = C; c:[int]; d:float = 1.5; gone:int (deprecated); e:bool = true; }
            table Second { } /* block
                                comment */
            struct Point { x:int; y:int; }
            table Third { z:string (id: 3); w:long; }
            union BuiltinOptions { First, Second, Old (deprecated), Third }
            union BuiltinOptions2 { Second = 4, Third }
            table Old { }
            root_type First;
            """;
        OptionsExtract extract = OptionsExtract.FromSchema(FbsSchemaReader.Read(schema), "test", "0");
        Assert.Equal(
        [
            "union\tBuiltinOptions\t1\tFirst",
            "union\tBuiltinOptions\t2\tSecond",
            "union\tBuiltinOptions\t3\tOld\tdeprecated",
            "union\tBuiltinOptions\t4\tThird",
            "field\tFirst\t0\ta\tint",
            "field\tFirst\t1\tb\tMode\tC",
            "field\tFirst\t2\tc\t[int]",
            "field\tFirst\t3\td\tfloat\t1.5",
            "field\tFirst\t4\tgone\tint\t\tdeprecated",
            "field\tFirst\t5\te\tbool\ttrue",
            "field\tThird\t3\tz\tstring",
            "field\tThird\t4\tw\tlong",
            "union\tBuiltinOptions2\t4\tSecond",
            "union\tBuiltinOptions2\t5\tThird",
            "field\tThird\t3\tz\tstring",
            "field\tThird\t4\tw\tlong",
            "enum\tMode\tbyte",
            "value\tMode\t0\tA",
            "value\tMode\t1\tB",
            "value\tMode\t5\tC",
            "value\tMode\t6\tD",
        ], extract.Rows);
    }

    [Fact]
    public void Every_view_table_is_in_the_schema_union()
    {
        List<FbsUnionMember> union = Extract.Unions["BuiltinOptions"];
        foreach (string table in OptionsCatalog.ViewedTables)
            Assert.Contains(union, m => m.Table == table && !m.Deprecated);
    }
}
