Attribute VB_Name = "BcfRibbon"
' Ribbon callback of the Better Care Fund add-in.
'
' The buttons' work is done in Python. This module only hands the id of the clicked button to
' bcf_addin.ribbon.dispatch and, when Python or the bcf-addin package cannot be found, says in
' plain English how to put it right. RunPython and GetConfig come from the xlwings module that is
' built into the same add-in; its settings are read from the add-in's xlwings.conf sheet.
Option Explicit

Private Const BCF_TITLE As String = "Better Care Fund"
Private Const SAFE_PATH As String = "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "

' Finding Python takes about a second, so it is checked once per Excel session; a failed button
' press clears this so the next press checks again.
Private checkedThisSession As Boolean

Public Sub bcfRibbon_OnAction(control As IRibbonControl)
    Dim result As Variant

    If ActiveWorkbook Is Nothing Then
        MsgBox "Open your Better Care Fund return first, then click the button again." & vbNewLine & vbNewLine & _
               "If the return is open with a yellow Protected View bar, click Enable Editing first.", _
               vbInformation, BCF_TITLE
        Exit Sub
    End If

    On Error GoTo Failed
    If Not PythonReady() Then Exit Sub
    ' Python started with -c looks in Excel's current folder first: a stray bcf_addin.py there must
    ' not stand in for the package, so that folder leaves the search path before the import.
    result = RunPython(SAFE_PATH & "import bcf_addin.ribbon; bcf_addin.ribbon.dispatch('" & control.Id & "')")
    ' -1: Python ran but stopped with an error, which xlwings has already shown.
    If result = -1 Then checkedThisSession = False
    Exit Sub

Failed:
    checkedThisSession = False
    MsgBox CouldNotStart(Err.Number, Err.Description), vbExclamation, BCF_TITLE
End Sub

Private Function PythonReady() As Boolean
#If Mac Then
    ' On a Mac xlwings starts Python through its AppleScript and reports its own failures.
    PythonReady = True
#Else
    Dim interpreter As String

    If checkedThisSession Then
        PythonReady = True
        Exit Function
    End If

    ' With Conda, xlwings activates an environment first; a plain check would look in the wrong place.
    If GetConfig("CONDA PATH") <> "" And GetConfig("CONDA ENV") <> "" Then
        PythonReady = True
        Exit Function
    End If

    ' The same lookup as xlwings' RunPython: Interpreter_Win, then the older Interpreter setting.
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")

    If interpreter <> "python" And interpreter <> "pythonw" Then
        If Not FileFound(interpreter) Then
            MsgBox NoPythonAt(interpreter), vbExclamation, BCF_TITLE
            Exit Function
        End If
    End If

    Select Case ImportCheck(interpreter)
        Case 0
            checkedThisSession = True
            PythonReady = True
        Case 9009
            ' cmd.exe's "is not recognized" code, also returned by Windows' Microsoft Store placeholder.
            MsgBox NoPythonOnPath(), vbExclamation, BCF_TITLE
        Case Else
            MsgBox NoPackage(interpreter), vbExclamation, BCF_TITLE
    End Select
#End If
End Function

Private Function ImportCheck(ByVal interpreter As String) As Long
    ' Run through cmd.exe as RunPython does, so "python" is looked up on PATH the same way. The
    ' outer pair of quotes is the one cmd.exe /C removes.
    ImportCheck = CreateObject("WScript.Shell").Run( _
        "cmd.exe /C " & Chr(34) & Quoted(interpreter) & " -c " & Chr(34) & _
        "import xlwings, bcf_addin.ribbon" & Chr(34) & Chr(34), 0, True)
End Function

Private Function FileFound(ByVal path As String) As Boolean
    On Error Resume Next
    FileFound = (Len(Dir$(path, vbNormal)) > 0)
End Function

Private Function Quoted(ByVal interpreter As String) As String
    If interpreter = "python" Or interpreter = "pythonw" Then
        Quoted = interpreter
    Else
        Quoted = Chr(34) & interpreter & Chr(34)
    End If
End Function

' bcf-addin is not on PyPI yet: it is installed from the wheel file in the release folder that
' `bcf addin bundle` writes, which the IT service desk puts on a shared drive.
Private Function WheelRoute() As String
    WheelRoute = Chr(34) & "<folder>\bcf_addin-<version>-py3-none-any.whl" & Chr(34)
End Function

Private Function WheelNote() As String
    WheelNote = "(<folder> is the Better Care Fund folder your IT service desk gave you; its INSTALL.txt " & _
                "says the same. Once bcf-addin is on PyPI, 'pip install bcf-addin' does this too.)"
End Function

Private Function InstallSteps() As String
    Dim m As String
    m = "To fix this:" & vbNewLine
    m = m & "1. Install Python for Windows from python.org (version 3.10 or later)." & vbNewLine
    m = m & "2. Open Command Prompt and run these two commands:" & vbNewLine
    m = m & "       pip install " & WheelRoute() & vbNewLine
    m = m & "       bcf addin install" & vbNewLine
    m = m & "   The second one sets this add-in to use that Python." & vbNewLine
    m = m & "   " & WheelNote() & vbNewLine
    m = m & "3. Close Excel and open it again." & vbNewLine & vbNewLine
    m = m & "If Python is already installed somewhere else, put the full path of its python.exe "
    m = m & "next to Interpreter_Win on the xlwings.conf sheet of the Better Care Fund add-in."
    InstallSteps = m
End Function

Private Function NoPythonAt(ByVal interpreter As String) As String
    NoPythonAt = "Excel cannot find Python at:" & vbNewLine & "    " & interpreter & vbNewLine & vbNewLine & InstallSteps()
End Function

Private Function NoPythonOnPath() As String
    NoPythonOnPath = "Excel cannot find Python on this computer, so the Better Care Fund buttons cannot work yet." & _
                     vbNewLine & vbNewLine & InstallSteps()
End Function

Private Function NoPackage(ByVal interpreter As String) As String
    Dim m As String
    m = "Python was found, but the Better Care Fund tools (the bcf-addin package) are not installed in it:" & vbNewLine
    m = m & "    " & interpreter & vbNewLine & vbNewLine
    m = m & "To fix this, open Command Prompt and run:" & vbNewLine
    m = m & "    " & Quoted(interpreter) & " -m pip install " & WheelRoute() & vbNewLine
    m = m & "then close Excel and open it again." & vbNewLine
    m = m & WheelNote() & vbNewLine & vbNewLine
    m = m & "If bcf-addin is installed in a different Python, run 'bcf addin install' with that one: "
    m = m & "it sets Interpreter_Win on the add-in's xlwings.conf sheet to that Python."
    NoPackage = m
End Function

Private Function CouldNotStart(ByVal number As Long, ByVal description As String) As String
    Dim m As String
    m = "Excel could not run the Better Care Fund tools." & vbNewLine
    m = m & "Windows reported: " & description & " (error " & number & ")." & vbNewLine & vbNewLine
    m = m & "This usually means that security settings or antivirus software stop Excel from "
    m = m & "starting other programs. Ask your IT service desk to let Excel start Python (python.exe) "
    m = m & "for the Better Care Fund add-in, and show them this message."
    CouldNotStart = m
End Function
