"""The content check of runtime/_shape.py, written by tools/gen_shape_check.py: do not edit.

_Gen.build uses ``make`` only while ``SOURCE`` is the source the tables generate today, and
compiles the source itself otherwise (tests/runtime/test_shape_check.py says when to
regenerate: python tools/gen_shape_check.py)."""
# mypy: ignore-errors

SOURCE = "def check(v, *, A=A, J=J, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, c7=c7, c8=c8, c9=c9, c10=c10, c11=c11, c12=c12, c13=c13, c14=c14, c15=c15, c16=c16, c17=c17, c18=c18, c19=c19, c20=c20, c21=c21, c22=c22, c23=c23, c24=c24, c25=c25, c26=c26, c27=c27, c28=c28, c29=c29, c30=c30, c31=c31, c32=c32, c33=c33, c34=c34, c35=c35, c36=c36, c37=c37, c38=c38, c39=c39, k0='catalog', k1='name', k2='currency', k3='purposes', k4='providers', k5='id', k6='models', k7='provider', k8='status', k9='enabled', k10='aliases', k11='features', k12='modalities', k13='input', k14='output', k15='limits', k16='context_window', k17='max_input_tokens', k18='max_output_tokens', k19='alias_variants', k20='released', k21='deprecation', k22='replacement', k23='announced', k24='retires', k25='note', k26='pricing', k27='effective_from', k28='source', k29='checked', k30='prices', k31='tiers', k32='above_input_tokens', k33='variants', k34='windows', k35='start', k36='end', k37='weekdays', k38='plans', k39='description', k40='allow', k41='model', k42='feature', k43='deny', k44='defaults', k45='markup', k46='markups', k47='until', k48='credits_per_usd', k49='rounding', k50='decimals', k51='mode', k52='per', k53='rollouts', k54='salt', k55='percent', k56='purpose', k57='weight', k58='accounts', k59='plan', k60='widen', k61='discount_percent'):\n    t1 = v[k0]\n    t2 = t1.get(k3, A)\n    if t2 is not A:\n        if t2.__class__ is not list: return False\n        if t2: J(t2)\n    if t1.get(k1, '').__class__ is not str: return False\n    if t1.get(k2, '').__class__ is not str: return False\n    t3 = v[k4]\n    for t4 in t3.values():\n        if t4.get(k5, '').__class__ is not str: return False\n        if t4.get(k1, '').__class__ is not str: return False\n        if t4.get(k2, '').__class__ is not str: return False\n    t5 = v[k6]\n    for t6 in t5.values():\n        t7 = t6[k8]\n        if t7 not in c2 and not c3(t7): return False\n        if t6.get(k9, False).__class__ is not bool: return False\n        t8 = t6.get(k10, A)\n        if t8 is not A:\n            if t8.__class__ is not list: return False\n            if t8: J(t8)\n        t9 = t6.get(k11, A)\n        if t9 is not A:\n            if t9.__class__ is not list: return False\n            if t9: J(t9)\n        t10 = t6[k12]\n        t11 = t10[k13]\n        if t11.__class__ is not list: return False\n        if t11: J(t11)\n        t12 = t10[k14]\n        if t12.__class__ is not list: return False\n        if t12: J(t12)\n        t13 = t6.get(k15, A)\n        if t13 is not A:\n            t14 = t13.get(k16, 0)\n            if t14.__class__ is not int or not (t14 >= 0): return False\n            t15 = t13.get(k17, 0)\n            if t15.__class__ is not int or not (t15 >= 0): return False\n            t16 = t13.get(k18, 0)\n            if t16.__class__ is not int or not (t16 >= 0): return False\n        t17 = t6.get(k19, A)\n        if t17 is not A:\n            J(t17.values())\n        t18 = t6.get(k20, A)\n        if t18 not in c4 and not c5(t18): return False\n        t19 = t6.get(k21, A)\n        if t19 is not A:\n            t20 = t19.get(k23, A)\n            if t20 not in c4 and not c6(t20): return False\n            t21 = t19.get(k24, A)\n            if t21 not in c4 and not c7(t21): return False\n            if t19.get(k22, '').__class__ is not str: return False\n            if t19.get(k25, '').__class__ is not str: return False\n        t22 = t6.get(k26, A)\n        if t22 is not A:\n            if t22.__class__ is not list: return False\n            for t23 in t22:\n                t24 = t23[k27]\n                if t24 not in c4 and not c8(t24): return False\n                t25 = t23.get(k29, A)\n                if t25 not in c4 and not c9(t25): return False\n                t26 = t23.get(k30, A)\n                if t26 is not A:\n                    if not c10.issuperset(t26.values()) and not all(map(c11, t26.values())): return False\n                t27 = t23.get(k31, A)\n                if t27 is not A:\n                    if t27.__class__ is not list: return False\n                    for t28 in t27:\n                        if t28[k32].__class__ is not int: return False\n                        t29 = t28.get(k30, A)\n                        if t29 is not A:\n                            if not c10.issuperset(t29.values()) and not all(map(c12, t29.values())): return False\n                t30 = t23.get(k33, A)\n                if t30 is not A:\n                    for t31 in t30.values():\n                        t32 = t31.get(k30, A)\n                        if t32 is not A:\n                            if not c10.issuperset(t32.values()) and not all(map(c13, t32.values())): return False\n                        t33 = t31.get(k31, A)\n                        if t33 is not A:\n                            if t33.__class__ is not list: return False\n                            for t34 in t33:\n                                if t34[k32].__class__ is not int: return False\n                                t35 = t34.get(k30, A)\n                                if t35 is not A:\n                                    if not c10.issuperset(t35.values()) and not all(map(c14, t35.values())): return False\n                        t36 = t31.get(k34, A)\n                        if t36 is not A:\n                            if t36.__class__ is not list: return False\n                            for t37 in t36:\n                                t38 = t37[k35]\n                                if t38 not in c15 and not c16(t38): return False\n                                t39 = t37[k36]\n                                if t39 not in c15 and not c17(t39): return False\n                                t40 = t37.get(k37, A)\n                                if t40 is not A:\n                                    if t40.__class__ is not list: return False\n                                    if not c18.issuperset(t40) and not all(map(c19, t40)): return False\n                        if t31.get(k25, '').__class__ is not str: return False\n                t41 = t23.get(k15, A)\n                if t41 is not A:\n                    t42 = t41.get(k16, 0)\n                    if t42.__class__ is not int or not (t42 >= 0): return False\n                    t43 = t41.get(k17, 0)\n                    if t43.__class__ is not int or not (t43 >= 0): return False\n                    t44 = t41.get(k18, 0)\n                    if t44.__class__ is not int or not (t44 >= 0): return False\n                if t23.get(k28, '').__class__ is not str: return False\n                if t23.get(k25, '').__class__ is not str: return False\n        if t6[k7].__class__ is not str: return False\n        if t6[k5].__class__ is not str: return False\n        if t6[k1].__class__ is not str: return False\n        if t6.get(k2, '').__class__ is not str: return False\n    t45 = v[k10]\n    J(t45.values())\n    t46 = v[k38]\n    for t47 in t46.values():\n        t48 = t47.get(k6, A)\n        if t48 is not A:\n            t49 = t48.get(k40, A)\n            if t49 is not A:\n                if t49.__class__ is not list: return False\n                for t50 in t49:\n                    if t50.__class__ is not str:\n                        t51 = t50.get(k7, A)\n                        if t51 is not A:\n                            if t51.__class__ is not str:\n                                if t51.__class__ is not list: return False\n                                if t51: J(t51)\n                                if not t51: return False\n                        t52 = t50.get(k42, A)\n                        if t52 is not A:\n                            if t52.__class__ is not str:\n                                if t52.__class__ is not list: return False\n                                if t52: J(t52)\n                                if not t52: return False\n                        t53 = t50.get(k8, A)\n                        if t53 is not A:\n                            if t53.__class__ is not str:\n                                if t53.__class__ is not list: return False\n                                if t53: J(t53)\n                                if not t53: return False\n                        if t50.get(k41, '').__class__ is not str: return False\n            t54 = t48.get(k43, A)\n            if t54 is not A:\n                if t54.__class__ is not list: return False\n                for t55 in t54:\n                    if t55.__class__ is not str:\n                        t56 = t55.get(k7, A)\n                        if t56 is not A:\n                            if t56.__class__ is not str:\n                                if t56.__class__ is not list: return False\n                                if t56: J(t56)\n                                if not t56: return False\n                        t57 = t55.get(k42, A)\n                        if t57 is not A:\n                            if t57.__class__ is not str:\n                                if t57.__class__ is not list: return False\n                                if t57: J(t57)\n                                if not t57: return False\n                        t58 = t55.get(k8, A)\n                        if t58 is not A:\n                            if t58.__class__ is not str:\n                                if t58.__class__ is not list: return False\n                                if t58: J(t58)\n                                if not t58: return False\n                        if t55.get(k41, '').__class__ is not str: return False\n        t59 = t47.get(k44, A)\n        if t59 is not A:\n            for t60 in t59.values():\n                if t60.__class__ is not str:\n                    if t60.__class__ is not list: return False\n                    if t60: J(t60)\n                    if not t60: return False\n        t61 = t47.get(k45, A)\n        if t61 not in c20 and not c21(t61): return False\n        t62 = t47.get(k46, A)\n        if t62 is not A:\n            if t62.__class__ is not list: return False\n            for t63 in t62:\n                t64 = t63[k45]\n                if t64 not in c22 and not c23(t64): return False\n                t65 = t63[k27]\n                if t65 not in c4 and not c24(t65): return False\n                t66 = t63.get(k47, A)\n                if t66 not in c4 and not c25(t66): return False\n                if t63.get(k25, '').__class__ is not str: return False\n        t67 = t47.get(k48, A)\n        if t67 not in c26 and not c27(t67): return False\n        t68 = t47.get(k49, A)\n        if t68 is not A:\n            t69 = t68.get(k50, 0)\n            if t69.__class__ is not int or not (0 <= t69 <= 18): return False\n            t70 = t68.get(k51, A)\n            if t70 not in c28 and not c29(t70): return False\n            t71 = t68.get(k52, A)\n            if t71 not in c30 and not c31(t71): return False\n        t72 = t47.get(k53, A)\n        if t72 is not A:\n            if t72.__class__ is not list: return False\n            for t73 in t72:\n                t74 = t73.get(k55, A)\n                if t74 not in c32 and not c33(t74): return False\n                t75 = t73.get(k33, A)\n                if t75 is not A:\n                    if t75.__class__ is not list: return False\n                    for t76 in t75:\n                        t77 = t76[k57]\n                        if t77.__class__ is not int or not (t77 >= 0): return False\n                        if t76[k41].__class__ is not str: return False\n                    if not t75: return False\n                if t73[k5].__class__ is not str: return False\n                if t73.get(k54, '').__class__ is not str: return False\n                if t73.get(k41, '').__class__ is not str: return False\n                if t73.get(k56, '').__class__ is not str: return False\n        if t47[k5].__class__ is not str: return False\n        if t47.get(k1, '').__class__ is not str: return False\n        if t47.get(k39, '').__class__ is not str: return False\n    t78 = v.get(k58, A)\n    if t78 is not A:\n        for t79 in t78.values():\n            t80 = t79.get(k6, A)\n            if t80 is not A:\n                t81 = t80.get(k40, A)\n                if t81 is not A:\n                    if t81.__class__ is not list: return False\n                    for t82 in t81:\n                        if t82.__class__ is not str:\n                            t83 = t82.get(k7, A)\n                            if t83 is not A:\n                                if t83.__class__ is not str:\n                                    if t83.__class__ is not list: return False\n                                    if t83: J(t83)\n                                    if not t83: return False\n                            t84 = t82.get(k42, A)\n                            if t84 is not A:\n                                if t84.__class__ is not str:\n                                    if t84.__class__ is not list: return False\n                                    if t84: J(t84)\n                                    if not t84: return False\n                            t85 = t82.get(k8, A)\n                            if t85 is not A:\n                                if t85.__class__ is not str:\n                                    if t85.__class__ is not list: return False\n                                    if t85: J(t85)\n                                    if not t85: return False\n                            if t82.get(k41, '').__class__ is not str: return False\n                t86 = t80.get(k43, A)\n                if t86 is not A:\n                    if t86.__class__ is not list: return False\n                    for t87 in t86:\n                        if t87.__class__ is not str:\n                            t88 = t87.get(k7, A)\n                            if t88 is not A:\n                                if t88.__class__ is not str:\n                                    if t88.__class__ is not list: return False\n                                    if t88: J(t88)\n                                    if not t88: return False\n                            t89 = t87.get(k42, A)\n                            if t89 is not A:\n                                if t89.__class__ is not str:\n                                    if t89.__class__ is not list: return False\n                                    if t89: J(t89)\n                                    if not t89: return False\n                            t90 = t87.get(k8, A)\n                            if t90 is not A:\n                                if t90.__class__ is not str:\n                                    if t90.__class__ is not list: return False\n                                    if t90: J(t90)\n                                    if not t90: return False\n                            if t87.get(k41, '').__class__ is not str: return False\n                t91 = t80.get(k60, A)\n                if t91 is not A:\n                    if t91.__class__ is not list: return False\n                    for t92 in t91:\n                        if t92.__class__ is not str:\n                            t93 = t92.get(k7, A)\n                            if t93 is not A:\n                                if t93.__class__ is not str:\n                                    if t93.__class__ is not list: return False\n                                    if t93: J(t93)\n                                    if not t93: return False\n                            t94 = t92.get(k42, A)\n                            if t94 is not A:\n                                if t94.__class__ is not str:\n                                    if t94.__class__ is not list: return False\n                                    if t94: J(t94)\n                                    if not t94: return False\n                            t95 = t92.get(k8, A)\n                            if t95 is not A:\n                                if t95.__class__ is not str:\n                                    if t95.__class__ is not list: return False\n                                    if t95: J(t95)\n                                    if not t95: return False\n                            if t92.get(k41, '').__class__ is not str: return False\n            t96 = t79.get(k44, A)\n            if t96 is not A:\n                for t97 in t96.values():\n                    if t97.__class__ is not str:\n                        if t97.__class__ is not list: return False\n                        if t97: J(t97)\n                        if not t97: return False\n            t98 = t79.get(k26, A)\n            if t98 is not A:\n                if t98.__class__ is not list: return False\n                for t99 in t98:\n                    t100 = t99[k41]\n                    if t100.__class__ is not str:\n                        t101 = t100.get(k7, A)\n                        if t101 is not A:\n                            if t101.__class__ is not str:\n                                if t101.__class__ is not list: return False\n                                if t101: J(t101)\n                                if not t101: return False\n                        t102 = t100.get(k42, A)\n                        if t102 is not A:\n                            if t102.__class__ is not str:\n                                if t102.__class__ is not list: return False\n                                if t102: J(t102)\n                                if not t102: return False\n                        t103 = t100.get(k8, A)\n                        if t103 is not A:\n                            if t103.__class__ is not str:\n                                if t103.__class__ is not list: return False\n                                if t103: J(t103)\n                                if not t103: return False\n                        if t100.get(k41, '').__class__ is not str: return False\n                    t104 = t99.get(k30, A)\n                    if t104 is not A:\n                        if not c10.issuperset(t104.values()) and not all(map(c34, t104.values())): return False\n                    t105 = t99.get(k61, A)\n                    if t105 not in c35 and not c36(t105): return False\n                    t106 = t99.get(k27, A)\n                    if t106 not in c4 and not c37(t106): return False\n                    t107 = t99.get(k47, A)\n                    if t107 not in c4 and not c38(t107): return False\n                    if t99.get(k25, '').__class__ is not str: return False\n            t108 = t79.get(k53, A)\n            if t108 is not A:\n                if not set(map(type, t108.values())) <= c39: return False\n            if t79[k5].__class__ is not str: return False\n            if t79.get(k1, '').__class__ is not str: return False\n            if t79.get(k39, '').__class__ is not str: return False\n            if t79[k59].__class__ is not str: return False\n    return True\n"


def make(A, J, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32, c33, c34, c35, c36, c37, c38, c39):
    def check(v, *, A=A, J=J, c2=c2, c3=c3, c4=c4, c5=c5, c6=c6, c7=c7, c8=c8, c9=c9, c10=c10, c11=c11, c12=c12, c13=c13, c14=c14, c15=c15, c16=c16, c17=c17, c18=c18, c19=c19, c20=c20, c21=c21, c22=c22, c23=c23, c24=c24, c25=c25, c26=c26, c27=c27, c28=c28, c29=c29, c30=c30, c31=c31, c32=c32, c33=c33, c34=c34, c35=c35, c36=c36, c37=c37, c38=c38, c39=c39, k0='catalog', k1='name', k2='currency', k3='purposes', k4='providers', k5='id', k6='models', k7='provider', k8='status', k9='enabled', k10='aliases', k11='features', k12='modalities', k13='input', k14='output', k15='limits', k16='context_window', k17='max_input_tokens', k18='max_output_tokens', k19='alias_variants', k20='released', k21='deprecation', k22='replacement', k23='announced', k24='retires', k25='note', k26='pricing', k27='effective_from', k28='source', k29='checked', k30='prices', k31='tiers', k32='above_input_tokens', k33='variants', k34='windows', k35='start', k36='end', k37='weekdays', k38='plans', k39='description', k40='allow', k41='model', k42='feature', k43='deny', k44='defaults', k45='markup', k46='markups', k47='until', k48='credits_per_usd', k49='rounding', k50='decimals', k51='mode', k52='per', k53='rollouts', k54='salt', k55='percent', k56='purpose', k57='weight', k58='accounts', k59='plan', k60='widen', k61='discount_percent'):
        t1 = v[k0]
        t2 = t1.get(k3, A)
        if t2 is not A:
            if t2.__class__ is not list: return False
            if t2: J(t2)
        if t1.get(k1, '').__class__ is not str: return False
        if t1.get(k2, '').__class__ is not str: return False
        t3 = v[k4]
        for t4 in t3.values():
            if t4.get(k5, '').__class__ is not str: return False
            if t4.get(k1, '').__class__ is not str: return False
            if t4.get(k2, '').__class__ is not str: return False
        t5 = v[k6]
        for t6 in t5.values():
            t7 = t6[k8]
            if t7 not in c2 and not c3(t7): return False
            if t6.get(k9, False).__class__ is not bool: return False
            t8 = t6.get(k10, A)
            if t8 is not A:
                if t8.__class__ is not list: return False
                if t8: J(t8)
            t9 = t6.get(k11, A)
            if t9 is not A:
                if t9.__class__ is not list: return False
                if t9: J(t9)
            t10 = t6[k12]
            t11 = t10[k13]
            if t11.__class__ is not list: return False
            if t11: J(t11)
            t12 = t10[k14]
            if t12.__class__ is not list: return False
            if t12: J(t12)
            t13 = t6.get(k15, A)
            if t13 is not A:
                t14 = t13.get(k16, 0)
                if t14.__class__ is not int or not (t14 >= 0): return False
                t15 = t13.get(k17, 0)
                if t15.__class__ is not int or not (t15 >= 0): return False
                t16 = t13.get(k18, 0)
                if t16.__class__ is not int or not (t16 >= 0): return False
            t17 = t6.get(k19, A)
            if t17 is not A:
                J(t17.values())
            t18 = t6.get(k20, A)
            if t18 not in c4 and not c5(t18): return False
            t19 = t6.get(k21, A)
            if t19 is not A:
                t20 = t19.get(k23, A)
                if t20 not in c4 and not c6(t20): return False
                t21 = t19.get(k24, A)
                if t21 not in c4 and not c7(t21): return False
                if t19.get(k22, '').__class__ is not str: return False
                if t19.get(k25, '').__class__ is not str: return False
            t22 = t6.get(k26, A)
            if t22 is not A:
                if t22.__class__ is not list: return False
                for t23 in t22:
                    t24 = t23[k27]
                    if t24 not in c4 and not c8(t24): return False
                    t25 = t23.get(k29, A)
                    if t25 not in c4 and not c9(t25): return False
                    t26 = t23.get(k30, A)
                    if t26 is not A:
                        if not c10.issuperset(t26.values()) and not all(map(c11, t26.values())): return False
                    t27 = t23.get(k31, A)
                    if t27 is not A:
                        if t27.__class__ is not list: return False
                        for t28 in t27:
                            if t28[k32].__class__ is not int: return False
                            t29 = t28.get(k30, A)
                            if t29 is not A:
                                if not c10.issuperset(t29.values()) and not all(map(c12, t29.values())): return False
                    t30 = t23.get(k33, A)
                    if t30 is not A:
                        for t31 in t30.values():
                            t32 = t31.get(k30, A)
                            if t32 is not A:
                                if not c10.issuperset(t32.values()) and not all(map(c13, t32.values())): return False
                            t33 = t31.get(k31, A)
                            if t33 is not A:
                                if t33.__class__ is not list: return False
                                for t34 in t33:
                                    if t34[k32].__class__ is not int: return False
                                    t35 = t34.get(k30, A)
                                    if t35 is not A:
                                        if not c10.issuperset(t35.values()) and not all(map(c14, t35.values())): return False
                            t36 = t31.get(k34, A)
                            if t36 is not A:
                                if t36.__class__ is not list: return False
                                for t37 in t36:
                                    t38 = t37[k35]
                                    if t38 not in c15 and not c16(t38): return False
                                    t39 = t37[k36]
                                    if t39 not in c15 and not c17(t39): return False
                                    t40 = t37.get(k37, A)
                                    if t40 is not A:
                                        if t40.__class__ is not list: return False
                                        if not c18.issuperset(t40) and not all(map(c19, t40)): return False
                            if t31.get(k25, '').__class__ is not str: return False
                    t41 = t23.get(k15, A)
                    if t41 is not A:
                        t42 = t41.get(k16, 0)
                        if t42.__class__ is not int or not (t42 >= 0): return False
                        t43 = t41.get(k17, 0)
                        if t43.__class__ is not int or not (t43 >= 0): return False
                        t44 = t41.get(k18, 0)
                        if t44.__class__ is not int or not (t44 >= 0): return False
                    if t23.get(k28, '').__class__ is not str: return False
                    if t23.get(k25, '').__class__ is not str: return False
            if t6[k7].__class__ is not str: return False
            if t6[k5].__class__ is not str: return False
            if t6[k1].__class__ is not str: return False
            if t6.get(k2, '').__class__ is not str: return False
        t45 = v[k10]
        J(t45.values())
        t46 = v[k38]
        for t47 in t46.values():
            t48 = t47.get(k6, A)
            if t48 is not A:
                t49 = t48.get(k40, A)
                if t49 is not A:
                    if t49.__class__ is not list: return False
                    for t50 in t49:
                        if t50.__class__ is not str:
                            t51 = t50.get(k7, A)
                            if t51 is not A:
                                if t51.__class__ is not str:
                                    if t51.__class__ is not list: return False
                                    if t51: J(t51)
                                    if not t51: return False
                            t52 = t50.get(k42, A)
                            if t52 is not A:
                                if t52.__class__ is not str:
                                    if t52.__class__ is not list: return False
                                    if t52: J(t52)
                                    if not t52: return False
                            t53 = t50.get(k8, A)
                            if t53 is not A:
                                if t53.__class__ is not str:
                                    if t53.__class__ is not list: return False
                                    if t53: J(t53)
                                    if not t53: return False
                            if t50.get(k41, '').__class__ is not str: return False
                t54 = t48.get(k43, A)
                if t54 is not A:
                    if t54.__class__ is not list: return False
                    for t55 in t54:
                        if t55.__class__ is not str:
                            t56 = t55.get(k7, A)
                            if t56 is not A:
                                if t56.__class__ is not str:
                                    if t56.__class__ is not list: return False
                                    if t56: J(t56)
                                    if not t56: return False
                            t57 = t55.get(k42, A)
                            if t57 is not A:
                                if t57.__class__ is not str:
                                    if t57.__class__ is not list: return False
                                    if t57: J(t57)
                                    if not t57: return False
                            t58 = t55.get(k8, A)
                            if t58 is not A:
                                if t58.__class__ is not str:
                                    if t58.__class__ is not list: return False
                                    if t58: J(t58)
                                    if not t58: return False
                            if t55.get(k41, '').__class__ is not str: return False
            t59 = t47.get(k44, A)
            if t59 is not A:
                for t60 in t59.values():
                    if t60.__class__ is not str:
                        if t60.__class__ is not list: return False
                        if t60: J(t60)
                        if not t60: return False
            t61 = t47.get(k45, A)
            if t61 not in c20 and not c21(t61): return False
            t62 = t47.get(k46, A)
            if t62 is not A:
                if t62.__class__ is not list: return False
                for t63 in t62:
                    t64 = t63[k45]
                    if t64 not in c22 and not c23(t64): return False
                    t65 = t63[k27]
                    if t65 not in c4 and not c24(t65): return False
                    t66 = t63.get(k47, A)
                    if t66 not in c4 and not c25(t66): return False
                    if t63.get(k25, '').__class__ is not str: return False
            t67 = t47.get(k48, A)
            if t67 not in c26 and not c27(t67): return False
            t68 = t47.get(k49, A)
            if t68 is not A:
                t69 = t68.get(k50, 0)
                if t69.__class__ is not int or not (0 <= t69 <= 18): return False
                t70 = t68.get(k51, A)
                if t70 not in c28 and not c29(t70): return False
                t71 = t68.get(k52, A)
                if t71 not in c30 and not c31(t71): return False
            t72 = t47.get(k53, A)
            if t72 is not A:
                if t72.__class__ is not list: return False
                for t73 in t72:
                    t74 = t73.get(k55, A)
                    if t74 not in c32 and not c33(t74): return False
                    t75 = t73.get(k33, A)
                    if t75 is not A:
                        if t75.__class__ is not list: return False
                        for t76 in t75:
                            t77 = t76[k57]
                            if t77.__class__ is not int or not (t77 >= 0): return False
                            if t76[k41].__class__ is not str: return False
                        if not t75: return False
                    if t73[k5].__class__ is not str: return False
                    if t73.get(k54, '').__class__ is not str: return False
                    if t73.get(k41, '').__class__ is not str: return False
                    if t73.get(k56, '').__class__ is not str: return False
            if t47[k5].__class__ is not str: return False
            if t47.get(k1, '').__class__ is not str: return False
            if t47.get(k39, '').__class__ is not str: return False
        t78 = v.get(k58, A)
        if t78 is not A:
            for t79 in t78.values():
                t80 = t79.get(k6, A)
                if t80 is not A:
                    t81 = t80.get(k40, A)
                    if t81 is not A:
                        if t81.__class__ is not list: return False
                        for t82 in t81:
                            if t82.__class__ is not str:
                                t83 = t82.get(k7, A)
                                if t83 is not A:
                                    if t83.__class__ is not str:
                                        if t83.__class__ is not list: return False
                                        if t83: J(t83)
                                        if not t83: return False
                                t84 = t82.get(k42, A)
                                if t84 is not A:
                                    if t84.__class__ is not str:
                                        if t84.__class__ is not list: return False
                                        if t84: J(t84)
                                        if not t84: return False
                                t85 = t82.get(k8, A)
                                if t85 is not A:
                                    if t85.__class__ is not str:
                                        if t85.__class__ is not list: return False
                                        if t85: J(t85)
                                        if not t85: return False
                                if t82.get(k41, '').__class__ is not str: return False
                    t86 = t80.get(k43, A)
                    if t86 is not A:
                        if t86.__class__ is not list: return False
                        for t87 in t86:
                            if t87.__class__ is not str:
                                t88 = t87.get(k7, A)
                                if t88 is not A:
                                    if t88.__class__ is not str:
                                        if t88.__class__ is not list: return False
                                        if t88: J(t88)
                                        if not t88: return False
                                t89 = t87.get(k42, A)
                                if t89 is not A:
                                    if t89.__class__ is not str:
                                        if t89.__class__ is not list: return False
                                        if t89: J(t89)
                                        if not t89: return False
                                t90 = t87.get(k8, A)
                                if t90 is not A:
                                    if t90.__class__ is not str:
                                        if t90.__class__ is not list: return False
                                        if t90: J(t90)
                                        if not t90: return False
                                if t87.get(k41, '').__class__ is not str: return False
                    t91 = t80.get(k60, A)
                    if t91 is not A:
                        if t91.__class__ is not list: return False
                        for t92 in t91:
                            if t92.__class__ is not str:
                                t93 = t92.get(k7, A)
                                if t93 is not A:
                                    if t93.__class__ is not str:
                                        if t93.__class__ is not list: return False
                                        if t93: J(t93)
                                        if not t93: return False
                                t94 = t92.get(k42, A)
                                if t94 is not A:
                                    if t94.__class__ is not str:
                                        if t94.__class__ is not list: return False
                                        if t94: J(t94)
                                        if not t94: return False
                                t95 = t92.get(k8, A)
                                if t95 is not A:
                                    if t95.__class__ is not str:
                                        if t95.__class__ is not list: return False
                                        if t95: J(t95)
                                        if not t95: return False
                                if t92.get(k41, '').__class__ is not str: return False
                t96 = t79.get(k44, A)
                if t96 is not A:
                    for t97 in t96.values():
                        if t97.__class__ is not str:
                            if t97.__class__ is not list: return False
                            if t97: J(t97)
                            if not t97: return False
                t98 = t79.get(k26, A)
                if t98 is not A:
                    if t98.__class__ is not list: return False
                    for t99 in t98:
                        t100 = t99[k41]
                        if t100.__class__ is not str:
                            t101 = t100.get(k7, A)
                            if t101 is not A:
                                if t101.__class__ is not str:
                                    if t101.__class__ is not list: return False
                                    if t101: J(t101)
                                    if not t101: return False
                            t102 = t100.get(k42, A)
                            if t102 is not A:
                                if t102.__class__ is not str:
                                    if t102.__class__ is not list: return False
                                    if t102: J(t102)
                                    if not t102: return False
                            t103 = t100.get(k8, A)
                            if t103 is not A:
                                if t103.__class__ is not str:
                                    if t103.__class__ is not list: return False
                                    if t103: J(t103)
                                    if not t103: return False
                            if t100.get(k41, '').__class__ is not str: return False
                        t104 = t99.get(k30, A)
                        if t104 is not A:
                            if not c10.issuperset(t104.values()) and not all(map(c34, t104.values())): return False
                        t105 = t99.get(k61, A)
                        if t105 not in c35 and not c36(t105): return False
                        t106 = t99.get(k27, A)
                        if t106 not in c4 and not c37(t106): return False
                        t107 = t99.get(k47, A)
                        if t107 not in c4 and not c38(t107): return False
                        if t99.get(k25, '').__class__ is not str: return False
                t108 = t79.get(k53, A)
                if t108 is not A:
                    if not set(map(type, t108.values())) <= c39: return False
                if t79[k5].__class__ is not str: return False
                if t79.get(k1, '').__class__ is not str: return False
                if t79.get(k39, '').__class__ is not str: return False
                if t79[k59].__class__ is not str: return False
        return True
    return check
