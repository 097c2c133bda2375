from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 05. sendmail.mc와 m4

    `sendmail.cf`는 천 줄이 넘고 문법도 어려워서 직접 고치는 일은 드뭅니다. 대신 짧은 보조 파일
    <strong>`/etc/mail/sendmail.mc`</strong>를 고친 뒤, 매크로 처리기 **m4**로 `sendmail.cf`를 새로 만듭니다.

    ```
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf
    ```

    m4가 쓰는 sendmail용 매크로(`/usr/share/sendmail-cf/`)는 **sendmail-cf** 패키지에 들어 있습니다.

    > ✏️ 바로잡기: 정리 노트의 `/ect/mail/sendmail.mc`는 <strong>`/etc/mail/sendmail.mc`</strong>의 오타이고,
    > 필요한 패키지 이름은 `sendmail -cf`가 아니라 **`sendmail-cf`**(붙여 씀)입니다.
    """, en="""
    # 05. sendmail.mc and m4

    `sendmail.cf` is over a thousand lines of hard syntax, so it is rarely edited by hand.
    Instead you change the short helper file **`/etc/mail/sendmail.mc`** and rebuild
    `sendmail.cf` from it with the macro processor **m4**:

    ```
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf
    ```

    The sendmail macros m4 needs (`/usr/share/sendmail-cf/`) come in the package **sendmail-cf**.

    > ✏️ Correction: the study note's `/ect/mail/sendmail.mc` is a typo for
    > **`/etc/mail/sendmail.mc`**, and the package is **`sendmail-cf`** (one word), not `sendmail -cf`.
    """),
    start(),
    md(ko="""
    ## .mc 파일 들여다보기
    `dnl`로 시작하는 줄은 m4의 주석입니다(“delete to new line”). `define`은 옵션 값을,
    `FEATURE`는 기능을 켭니다.
    """, en="""
    ## A look at the .mc file
    Lines starting with `dnl` are m4 comments ("delete to new line"). `define` sets an option,
    `FEATURE` switches a feature on.
    """),
    code("%grep -E 'MAX_MESSAGE_SIZE|TO_QUEUERETURN|DAEMON_OPTIONS|access_db|virtusertable' /etc/mail/sendmail.mc", "seed:F02"),
    md(ko="""
    ## sendmail-cf가 없으면
    새로 설치한 서버에는 sendmail-cf가 없습니다. 이때 m4를 돌리면 매크로 파일을 찾지 못해 실패합니다.
    (실패했을 때 `>`가 기존 sendmail.cf를 빈 파일로 만들지 않는지도 확인해 보세요.)
    """, en="""
    ## Without sendmail-cf
    A fresh server has no sendmail-cf. m4 then fails: it cannot find the macro files.
    (Check too that the failed `>` did not leave sendmail.cf empty.)
    """),
    code("%m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf", "seed:F02", "raises-exception"),
    code("%host wc -l /etc/mail/sendmail.cf", "seed:F02"),
    code("%yum -y install sendmail-cf", "seed:F02"),
    md(ko="""
    ## .mc를 고쳐서 .cf 만들기
    메일 크기 제한 줄은 `dnl`로 막혀 있습니다. `dnl`을 지우고 값을 5000바이트로 바꾼 뒤 m4로
    `sendmail.cf`를 다시 만들고, sendmail을 다시 시작합니다.
    (실제 서버라면 vi나 `sed -i`로 고칩니다. 여기서는 바뀐 줄을 보여 주는 `edit()` 도우미를 씁니다.)
    """, en="""
    ## Change the .mc, rebuild the .cf
    The size-limit line is disabled with `dnl`. Remove the `dnl`, set 5000 bytes, rebuild
    `sendmail.cf` with m4 and restart sendmail. (On a real server you would use vi or `sed -i`;
    here the `edit()` helper does it and shows the changed line.)
    """),
    code("""
    edit("/etc/mail/sendmail.mc", "dnl define(`confMAX_MESSAGE_SIZE', `10000000')dnl",
                                  "define(`confMAX_MESSAGE_SIZE', `5000')dnl")
    """, "seed:F02"),
    code("""
    %%host
    cp /etc/mail/sendmail.cf /etc/mail/sendmail.cf.bak
    m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf
    grep MaxMessageSize /etc/mail/sendmail.cf
    systemctl restart sendmail
    """, "seed:F02"),
    code('smtp_send("alice@localhost", subject="6000 bytes", size=6000)', "seed:F02"),
    md(ko="""
    .mc에서 바꾼 한 줄이 .cf의 `O MaxMessageSize=5000`이 되었고, 다시 시작한 sendmail이 그 값을
    씁니다. **.mc만 고치고 m4를 안 돌리거나, m4만 돌리고 다시 시작하지 않으면 적용되지 않습니다.**

    ## 위젯으로 비교해 보기
    아래 ConfigEditor는 지금 sendmail.cf의 값을 보여 줍니다. MaxMessageSize가 5000인지 확인하세요.
    """, en="""
    The one line changed in the .mc became `O MaxMessageSize=5000` in the .cf, and the restarted
    sendmail uses it. **Editing the .mc without running m4, or running m4 without restarting,
    changes nothing.**

    ## Check it in the widget
    The ConfigEditor below shows the values now in sendmail.cf. Is MaxMessageSize 5000?
    """),
    code("""
    editor = ConfigEditor(lang=LANG)
    print("MaxMessageSize =", editor.inputs["MaxMessageSize"].value)
    editor
    """, "seed:F02"),
    quiz(
        q(("sendmail.mc로 sendmail.cf를 만드는 명령은?", ["m4 sendmail.mc > sendmail.cf", "m4 sendmail.cf > sendmail.mc",
                                                      "makemap hash sendmail.cf < sendmail.mc", "newaliases sendmail.mc"],
           "m4가 .mc를 읽어 .cf를 표준출력으로 내보냅니다."),
          ("Which command builds sendmail.cf from sendmail.mc?", ["m4 sendmail.mc > sendmail.cf", "m4 sendmail.cf > sendmail.mc",
                                                                  "makemap hash sendmail.cf < sendmail.mc", "newaliases sendmail.mc"],
           "m4 reads the .mc and writes the .cf to standard output."), 0),
        q(("m4로 sendmail.cf를 만들 때 필요한 패키지는?", ["sendmail-cf", "sendmail-devel", "m4-cf", "procmail"],
           "sendmail-cf에 m4 매크로가 들어 있습니다."),
          ("Which package does m4 need to build sendmail.cf?", ["sendmail-cf", "sendmail-devel", "m4-cf", "procmail"],
           "sendmail-cf holds the m4 macros."), 0),
        q(("sendmail.mc 파일의 올바른 경로는?", ["/ect/mail/sendmail.mc", "/etc/mail/sendmail.mc", "/etc/sendmail/sendmail.mc", "/usr/share/sendmail.mc"],
           "/etc/mail/sendmail.mc 입니다(/ect는 오타)."),
          ("Where is sendmail.mc?", ["/ect/mail/sendmail.mc", "/etc/mail/sendmail.mc", "/etc/sendmail/sendmail.mc", "/usr/share/sendmail.mc"],
           "/etc/mail/sendmail.mc (/ect is a typo)."), 1),
        q(("sendmail.mc에서 `dnl`의 뜻은?", ["옵션을 켠다", "그 줄 끝까지 지운다(주석)", "DNS 조회", "기본값"],
           "dnl(delete to new line)은 m4 주석처럼 쓰입니다."),
          ("What does `dnl` do in sendmail.mc?", ["switches an option on", "deletes to the end of the line (a comment)", "a DNS lookup", "a default value"],
           "dnl (delete to new line) works as an m4 comment."), 1),
    ),
    end(),
]
