using System.Text.Json.Nodes;
using FhirMh.FhirServer.Interactions.Patch;

namespace FhirMh.FhirServer.Tests;

/// <summary>Cases named "A.n" and their expected results are RFC 6902 Appendix A; the others follow RFC 6902 sections 4.1–4.5 and RFC 6901.</summary>
public sealed class JsonPatchDocumentTests
{
    [Theory]
    [InlineData("A.1 add an object member", """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("A.2 add an array element", """{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("A.3 remove an object member", """{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("A.4 remove an array element", """{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("A.5 replace a value", """{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("A.6 move a value", """{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("A.7 move an array element", """{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("A.8 test a value: success", """{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("A.10 add a nested member object", """{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("A.11 ignore unrecognized elements", """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("A.14 ~ escape ordering", """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("A.16 add an array value", """{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("4.5 copy", """{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":1},"c":{"b":1}}""")]
    public void Apply_Rfc6902Example_GivesTheDocumentedResult(string example, string target, string patch, string expected)
    {
        var result = JsonPatchDocument.Parse(JsonNode.Parse(patch)).Apply(JsonNode.Parse(target)!, Budget());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{example}: got {result.ToJsonString()}");
    }

    [Theory]
    [InlineData("A.9 test a value: error", """{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""", true)]
    [InlineData("A.12 add to a nonexistent target", """{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""", false)]
    [InlineData("A.15 comparing strings and numbers", """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""", true)]
    [InlineData("4.2 remove what is not there", """{"foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", false)]
    [InlineData("4.1 index past the end", """{"foo":["bar"]}""", """[{"op":"add","path":"/foo/2","value":1}]""", false)]
    [InlineData("RFC 6901 4: leading zero index", """{"foo":["bar","baz"]}""", """[{"op":"remove","path":"/foo/01"}]""", false)]
    [InlineData("4.4 move into own child", """{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""", false)]
    public void Apply_InvalidOperation_Throws(string example, string target, string patch, bool isFailedTest)
    {
        var document = JsonPatchDocument.Parse(JsonNode.Parse(patch));
        var original = JsonNode.Parse(target)!;

        var error = Assert.Throws<JsonPatchException>(() => document.Apply(original, Budget()));

        Assert.Equal(isFailedTest, error.IsFailedTest);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(target), original), $"{example}: the original was changed");
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a","value":1}""")]
    [InlineData("""[{"op":"frobnicate","path":"/a"}]""")]
    [InlineData("""[{"op":"add","path":"a","value":1}]""")]
    [InlineData("""[{"op":"add","path":"/a"}]""")]
    [InlineData("""[{"op":"move","path":"/a"}]""")]
    [InlineData("""[42]""")]
    [InlineData("""[{"op":"remove","path":"/a~2"}]""")]
    [InlineData("""[{"op":"remove","path":"/a~"}]""")]
    public void Parse_MalformedDocument_Throws(string patch) =>
        Assert.Throws<JsonPatchException>(() => JsonPatchDocument.Parse(JsonNode.Parse(patch)));

    [Fact]
    public void Apply_LaterOperationFails_LeavesTheTargetUnchanged()
    {
        var target = JsonNode.Parse("""{"a":1}""")!;
        var document = JsonPatchDocument.Parse(JsonNode.Parse("""[{"op":"replace","path":"/a","value":2},{"op":"remove","path":"/missing"}]"""));

        Assert.Throws<JsonPatchException>(() => document.Apply(target, Budget()));

        Assert.Equal(1, (int)target["a"]!);
    }

    [Fact]
    public void Apply_TestComparesNumbersByValue()
    {
        var document = JsonPatchDocument.Parse(JsonNode.Parse("""[{"op":"test","path":"/a","value":1.0}]"""));

        var result = document.Apply(JsonNode.Parse("""{"a":1}""")!, Budget());

        Assert.Equal(1, (int)result["a"]!);
    }

    [Fact]
    public void Apply_CopyDoublingTheDocument_StopsAtTheBudget()
    {
        var doublings = string.Join(",", Enumerable.Range(0, 40).Select(i => $$$"""{"op":"copy","from":"","path":"/c{{{i}}}"}"""));
        var document = JsonPatchDocument.Parse(JsonNode.Parse($"[{doublings}]"));

        var error = Assert.Throws<JsonPatchException>(() => document.Apply(JsonNode.Parse("""{"a":1}""")!, new JsonPatchBudget(maxNodes: 100_000, maxDepth: 64)));

        Assert.Contains("more than 100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CopyIntoOwnDescendant_StopsAtTheDepthLimit()
    {
        var nesting = string.Join(",", Enumerable.Range(0, 80).Select(i => """{"op":"copy","from":"/a","path":"/a/a"}"""));
        var document = JsonPatchDocument.Parse(JsonNode.Parse($"[{nesting}]"));

        var error = Assert.Throws<JsonPatchException>(() => document.Apply(JsonNode.Parse("""{"a":{"a":1}}""")!, new JsonPatchBudget(maxNodes: 1_000_000, maxDepth: 64)));

        Assert.Contains("deeper", error.Message, StringComparison.Ordinal);
    }

    private static JsonPatchBudget Budget() => new(maxNodes: 1_000_000, maxDepth: 130);
}
